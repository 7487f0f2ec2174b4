package dev.walt.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorldSamplerTest {

  @Test
  void sameSeedGivesIdenticalExamplesAndPixels() {
    for (long i = 0; i < 20; i++) {
      Example a = new WorldSampler(42).video(Split.TRAIN, i);
      Example b = new WorldSampler(42).video(Split.TRAIN, i);
      assertThat(a).isEqualTo(b);
      assertThat(Frames.toArray(SceneRenderer.render(a.scene(), 64)))
          .isEqualTo(Frames.toArray(SceneRenderer.render(b.scene(), 64)));
    }
    assertThat(new WorldSampler(42).still(Split.HELD_OUT, 3)).isEqualTo(new WorldSampler(42).still(Split.HELD_OUT, 3));
  }

  @Test
  void differentSeedsIndicesAndSplitsGiveDifferentScenes() {
    Set<Scene> scenes = new HashSet<>();
    for (long seed = 0; seed < 10; seed++) {
      WorldSampler sampler = new WorldSampler(seed);
      for (long i = 0; i < 10; i++) {
        scenes.add(sampler.video(Split.TRAIN, i).scene());
        scenes.add(sampler.video(Split.HELD_OUT, i).scene());
        scenes.add(sampler.still(Split.TRAIN, i).scene());
      }
    }
    assertThat(scenes).hasSize(300);
    Scene a = new WorldSampler(1).video(Split.TRAIN, 0).scene();
    Scene b = new WorldSampler(2).video(Split.TRAIN, 0).scene();
    assertThat(Frames.toArray(SceneRenderer.render(a, 32))).isNotEqualTo(Frames.toArray(SceneRenderer.render(b, 32)));
  }

  @Test
  void everyClipKeepsTheObjectInsideAndMovesAtLeastAQuarterOfTheFrame() {
    WorldSampler sampler = new WorldSampler(3);
    double closestToEdge = 1;
    double shortestTravel = 1;
    for (long i = 0; i < 2000; i++) {
      Scene s = i % 4 == 3 ? sampler.still(Split.TRAIN, i).scene() : sampler.video(Split.TRAIN, i).scene();
      assertThat(s.size()).isBetween(World.MIN_SIZE, World.MAX_SIZE);
      for (int t = 0; t < s.frames(); t++) {
        double h = s.size() / 2;
        closestToEdge = Math.min(closestToEdge,
            Math.min(Math.min(s.xAt(t) - h, 1 - s.xAt(t) - h), Math.min(s.yAt(t) - h, 1 - s.yAt(t) - h)));
      }
      if (s.isStill()) {
        assertThat(s.motion()).isEqualTo(Motion.STILL);
      } else {
        assertThat(s.frames()).isEqualTo(World.FRAMES);
        int last = World.FRAMES - 1;
        shortestTravel = Math.min(shortestTravel, Math.hypot(s.xAt(last) - s.xAt(0), s.yAt(last) - s.yAt(0)));
      }
    }
    assertThat(closestToEdge).isGreaterThanOrEqualTo(World.MARGIN - 1e-12);
    assertThat(shortestTravel).isGreaterThanOrEqualTo(0.25);
  }

  @Test
  void renderedObjectNeverTouchesTheBorderAndItsPixelsTravel() {
    WorldSampler sampler = new WorldSampler(4);
    for (long i = 0; i < 24; i++) {
      Scene s = sampler.video(Split.TRAIN, i).scene();
      List<BufferedImage> frames = SceneRenderer.render(s, 256);
      int bg = s.background().rgb().packed();
      double[] first = null;
      double[] last = null;
      int borderPixelsOff = 0;
      for (BufferedImage frame : frames) {
        int[] p = frame.getRGB(0, 0, 256, 256, null, 0, 256);
        for (int k = 0; k < 256; k++) {
          for (int at : new int[] {k, 255 * 256 + k, k * 256, k * 256 + 255}) { // top, bottom, left, right
            borderPixelsOff += (p[at] & 0xffffff) == bg ? 0 : 1;
          }
        }
        double[] c = centroidOfObject(p, bg);
        first = first == null ? c : first;
        last = c;
      }
      assertThat(borderPixelsOff).as("clip %d", i).isZero();
      assertThat(Math.hypot(last[0] - first[0], last[1] - first[1]) / 256).isGreaterThanOrEqualTo(0.25);
    }
  }

  private static double[] centroidOfObject(int[] p, int bg) {
    double sx = 0;
    double sy = 0;
    int n = 0;
    for (int i = 0; i < p.length; i++) {
      if ((p[i] & 0xffffff) != bg) {
        sx += i % 256;
        sy += i / 256;
        n++;
      }
    }
    if (n == 0) {
      throw new AssertionError("no object pixels");
    }
    return new double[] {sx / n, sy / n};
  }

  @Test
  void everyAttributeValueOccurs() {
    WorldSampler sampler = new WorldSampler(5);
    Set<Shape> shapes = EnumSet.noneOf(Shape.class);
    Set<Colour> colours = EnumSet.noneOf(Colour.class);
    Set<Background> backgrounds = EnumSet.noneOf(Background.class);
    Set<Motion> motions = EnumSet.noneOf(Motion.class);
    for (long i = 0; i < 500; i++) {
      Scene s = sampler.video(Split.TRAIN, i).scene();
      shapes.add(s.shape());
      colours.add(s.colour());
      backgrounds.add(s.background());
      motions.add(s.motion());
    }
    assertThat(shapes).containsExactlyInAnyOrder(Shape.values());
    assertThat(colours).containsExactlyInAnyOrder(Colour.values());
    assertThat(backgrounds).containsExactlyInAnyOrder(Background.values());
    assertThat(motions).containsExactlyInAnyOrderElementsOf(Motion.MOVING);
  }

  @Test
  void coloursAreFarFromEachOtherAndFromEveryBackgroundTheyAppearOn() {
    assertThat(Colour.values()).hasSizeGreaterThanOrEqualTo(6);
    assertThat(Background.values()).hasSizeGreaterThanOrEqualTo(3);
    for (Colour a : Colour.values()) {
      for (Colour b : Colour.values()) {
        if (a != b) {
          assertThat(a.rgb().distance(b.rgb())).as("%s vs %s", a, b).isGreaterThanOrEqualTo(120);
        }
      }
    }
    for (Background a : Background.values()) {
      for (Background b : Background.values()) {
        if (a != b) {
          assertThat(a.rgb().distance(b.rgb())).as("%s vs %s", a, b).isGreaterThanOrEqualTo(90);
        }
      }
      assertThat(WorldSampler.coloursOn(a)).hasSizeGreaterThanOrEqualTo(5);
    }
    WorldSampler sampler = new WorldSampler(6);
    double lowestContrast = Double.MAX_VALUE;
    for (long i = 0; i < 1000; i++) {
      Scene s = sampler.video(Split.TRAIN, i).scene();
      lowestContrast = Math.min(lowestContrast, s.colour().rgb().distance(s.background().rgb()));
    }
    assertThat(lowestContrast).isGreaterThanOrEqualTo(World.MIN_CONTRAST);
  }
}
