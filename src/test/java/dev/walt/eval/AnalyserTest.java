package dev.walt.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walt.world.Background;
import dev.walt.world.Colour;
import dev.walt.world.Domain;
import dev.walt.world.DomainDescription;
import dev.walt.world.Example;
import dev.walt.world.Frames;
import dev.walt.world.Motion;
import dev.walt.world.Scene;
import dev.walt.world.SceneRenderer;
import dev.walt.world.Shape;
import dev.walt.world.Split;
import dev.walt.world.WorldSampler;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AnalyserTest {

  private static final int CLIPS = 200;
  private static final Analyser ANALYSER = Analyser.shipped();
  private static final List<Example> EXAMPLES = new ArrayList<>();
  private static final Map<Integer, List<List<BufferedImage>>> AT = new HashMap<>();

  @BeforeAll
  static void render() {
    WorldSampler sampler = new WorldSampler(2024);
    for (int i = 0; i < CLIPS; i++) {
      Example e = sampler.video(Split.HELD_OUT, i);
      EXAMPLES.add(e);
      List<BufferedImage> full = SceneRenderer.render(e.scene(), 256);
      for (int resolution : new int[] {32, 64, 128}) {
        AT.computeIfAbsent(resolution, r -> new ArrayList<>()).add(Frames.downsample(full, resolution));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {32, 64, 128})
  void readsEveryAttributeOfEveryCleanClip(int resolution) {
    EvalReport report = new EvalReport();
    for (int i = 0; i < CLIPS; i++) {
      report.add(EXAMPLES.get(i).scene(), ANALYSER.analyse(AT.get(resolution).get(i)));
    }
    assertThat(report.summary().accuracy("all")).as(report.markdown()).isEqualTo(1.0);
  }

  /** Noise sigma 0.1 in [-1, 1] units after a [1, 2, 1] blur; every clip at 32 and 64, every other at 128. */
  @ParameterizedTest
  @ValueSource(ints = {32, 64, 128})
  void readsBlurredNoisyClipsAtLeast95PercentRight(int resolution) {
    EvalReport report = new EvalReport();
    for (int i = 0; i < CLIPS; i += resolution > 64 ? 2 : 1) {
      List<BufferedImage> degraded = Degrade.blurAndNoise(AT.get(resolution).get(i), 0.1, i);
      report.add(EXAMPLES.get(i).scene(), ANALYSER.analyse(degraded));
    }
    EvalReport.Summary summary = report.summary();
    for (String attribute : EvalReport.ATTRIBUTES) {
      assertThat(summary.accuracy(attribute)).as(attribute + "\n" + report.markdown()).isGreaterThanOrEqualTo(0.95);
    }
  }

  @Test
  void stillImagesAreStill() {
    WorldSampler sampler = new WorldSampler(99);
    EvalReport report = new EvalReport();
    for (int i = 0; i < 60; i++) {
      Example e = sampler.still(Split.TRAIN, i);
      List<BufferedImage> image = SceneRenderer.render(e.scene(), 64);
      assertThat(image).hasSize(1);
      report.add(e.scene(), ANALYSER.analyse(image));
    }
    assertThat(report.summary().accuracy("all")).as(report.markdown()).isEqualTo(1.0);
  }

  @Test
  void clipThatDoesNotMoveIsStill() {
    Example e = new WorldSampler(5).video(Split.TRAIN, 0);
    BufferedImage first = SceneRenderer.renderFrame(e.scene(), 0, 64);
    Analysis a = ANALYSER.analyse(List.of(first, first, first, first, first, first, first, first, first));
    assertThat(a.motion()).isEqualTo("still");
    assertThat(a.measurements().dx()).isZero();
    assertThat(a.shape()).isEqualTo(e.scene().shape().word());
  }

  @Test
  void measurementsDescribeTheClip() {
    Example e = EXAMPLES.get(0);
    Analysis a = ANALYSER.analyse(AT.get(128).get(0));
    assertThat(a.hasObject()).isTrue();
    assertThat(a.measurements().backgroundRgb()).isEqualTo(e.scene().background().rgb());
    assertThat(a.measurements().objectRgb().distance(e.scene().colour().rgb())).isLessThan(10);
    assertThat(a.measurements().fillRatio()).isCloseTo(e.scene().shape().fillRatio(), org.assertj.core.data.Offset.offset(0.05));
    double travel = Math.hypot(a.measurements().dx(), a.measurements().dy());
    assertThat(travel).isCloseTo(e.scene().travel() * 14 / 16, org.assertj.core.data.Offset.offset(0.01));
    assertThat(a.measurements().area()).isCloseTo(
        e.scene().size() * e.scene().size() * e.scene().shape().fillRatio(), org.assertj.core.data.Offset.offset(0.01));
    assertThat(a.measurements().framesWithObject()).isEqualTo(17);
    assertThat(a.confidence().colour()).isGreaterThan(0.5);
    assertThat(a.confidence().motion()).isGreaterThan(0.5);
    assertThat(ANALYSER.analyse(AT.get(128).get(0))).isEqualTo(a);
  }

  @Test
  void readsFullResolutionAndNonSquareFrames() {
    Scene s = new Scene(Shape.TRIANGLE, Colour.YELLOW, Background.GRAY, Motion.RIGHT, 0.25, 0.2, 0.3, 0.4, 17, 0);
    Analysis full = ANALYSER.analyse(SceneRenderer.render(s, 256));
    assertThat(List.of(full.shape(), full.colour(), full.motion(), full.background()))
        .containsExactly("triangle", "yellow", "right", "gray");
    List<BufferedImage> wide = SceneRenderer.render(s, 64).stream().map(f -> f.getSubimage(0, 0, 64, 48)).toList();
    Analysis cropped = ANALYSER.analyse(wide);
    assertThat(List.of(cropped.shape(), cropped.colour(), cropped.motion(), cropped.background()))
        .containsExactly("triangle", "yellow", "right", "gray");
  }

  @Test
  void namesAndValuesComeFromTheDomain() {
    // rename red and drop the still motion: the analyser reports what the domain says
    String json = DomainDescription.json().replace("\"name\" : \"red\"", "\"name\" : \"crimson\"");
    Domain domain = Domain.parse(json);
    Domain noStill = new Domain(domain.colours(), domain.backgrounds(), domain.shapes(),
        domain.motions().stream().filter(Domain.MotionInfo::moving).toList(), domain.frames(), domain.fps());
    Scene s = new Scene(Shape.CIRCLE, Colour.RED, Background.WHITE, Motion.STILL, 0.3, 0.5, 0.5, 0, 1, 0);
    List<BufferedImage> image = SceneRenderer.render(s, 64);
    assertThat(new Analyser(domain).analyse(image).colour()).isEqualTo("crimson");
    assertThat(new Analyser(domain).analyse(image).motion()).isEqualTo("still");
    assertThat(new Analyser(noStill).analyse(image).motion()).isNull();
  }

  @Test
  void flatFramesHaveNoObject() {
    BufferedImage flat = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
    int[] navy = new int[40 * 40];
    Arrays.fill(navy, Background.NAVY.rgb().packed());
    flat.setRGB(0, 0, 40, 40, navy, 0, 40);
    Analysis a = ANALYSER.analyse(List.of(flat, flat));
    assertThat(a.background()).isEqualTo("navy");
    assertThat(a.hasObject()).isFalse();
    assertThat(a.colour()).isNull();
    assertThat(a.shape()).isNull();
    assertThat(a.motion()).isNull();
    Analysis noisy = ANALYSER.analyse(Degrade.blurAndNoise(List.of(flat, flat, flat), 0.15, 1));
    assertThat(noisy.background()).isEqualTo("navy");
    assertThat(noisy.hasObject()).isFalse();
  }

  @Test
  void rejectsTinyOrMixedFrames() {
    assertThatThrownBy(() -> ANALYSER.analyse(List.of(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ANALYSER.analyse(List.of(
            new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ANALYSER.analyse(List.of())).isInstanceOf(IllegalArgumentException.class);
  }
}
