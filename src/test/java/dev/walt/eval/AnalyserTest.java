package dev.walt.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walt.world.Background;
import dev.walt.world.Example;
import dev.walt.world.Frames;
import dev.walt.world.SceneRenderer;
import dev.walt.world.Split;
import dev.walt.world.WorldSampler;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AnalyserTest {

  private static final int CLIPS = 240;
  private static final Analyser ANALYSER = Analyser.shipped();
  private static final List<Example> EXAMPLES = new ArrayList<>();
  private static final List<List<BufferedImage>> FULL = new ArrayList<>();

  @BeforeAll
  static void render() {
    WorldSampler sampler = new WorldSampler(2024);
    for (int i = 0; i < CLIPS; i++) {
      Example e = sampler.video(Split.HELD_OUT, i);
      EXAMPLES.add(e);
      FULL.add(SceneRenderer.render(e.scene(), 256));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {32, 64, 128})
  void readsEveryAttributeOfEveryCleanClip(int resolution) {
    EvalReport report = new EvalReport();
    for (int i = 0; i < CLIPS; i++) {
      report.add(EXAMPLES.get(i).scene(), ANALYSER.analyse(Frames.downsample(FULL.get(i), resolution)));
    }
    assertThat(report.summary().accuracy("all")).as(report.markdown()).isEqualTo(1.0);
  }

  @ParameterizedTest
  @ValueSource(ints = {32, 64, 128})
  void readsBlurredNoisyClipsAtLeast95PercentRight(int resolution) {
    EvalReport report = new EvalReport();
    for (int i = 0; i < CLIPS; i++) {
      List<BufferedImage> degraded = Degrade.blurAndNoise(Frames.downsample(FULL.get(i), resolution), 0.1, i);
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
    Analysis a = ANALYSER.analyse(Frames.downsample(FULL.get(0), 128));
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
    assertThat(ANALYSER.analyse(Frames.downsample(FULL.get(0), 128))).isEqualTo(a);
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
