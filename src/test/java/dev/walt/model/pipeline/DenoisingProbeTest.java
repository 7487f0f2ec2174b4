package dev.walt.model.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.walt.world.Example;
import dev.walt.world.Split;
import dev.walt.world.WorldSampler;
import org.junit.jupiter.api.Test;

class DenoisingProbeTest {

  @Test
  void everyHeldOutCaptionGetsTheOppositeDirectionAndNothingElseChanges() {
    WorldSampler world = new WorldSampler(1);
    for (int i = 0; i < 300; i++) {
      Example example = world.video(Split.HELD_OUT, i);
      String swapped = DenoisingProbe.swapDirection(example.caption());
      var opposite = DenoisingProbe.opposite(example.scene().motion());
      assertThat(opposite.phrases().stream().anyMatch(swapped::contains)).as(example.caption() + " -> " + swapped).isTrue();
      assertThat(DenoisingProbe.swapDirection(swapped)).isEqualTo(example.caption());
    }
  }

  @Test
  void theTravelOfARenderedClipIsItsDistanceAlongItsDirection() {
    WorldSampler world = new WorldSampler(1);
    for (int i = 0; i < 12; i++) {
      var scene = world.video(Split.HELD_OUT, i).scene();
      float[] pixels = dev.walt.world.Frames.toArray(dev.walt.world.SceneRenderer.render(scene, 0, 17, 32));
      var bg = scene.background().rgb();
      var motion = scene.motion();
      String what = scene.toString();
      // the centroid of the object moves exactly as its centre does, up to the 32 px rendering
      assertThat(DenoisingProbe.travelAlong(pixels, 17, 32, bg, motion)).as(what).isCloseTo(scene.travel(), within(0.02));
      assertThat(DenoisingProbe.travelAlong(pixels, 17, 32, bg, DenoisingProbe.opposite(motion)))
          .as(what).isCloseTo(-scene.travel(), within(0.02));
      var across = motion.dx() != 0 ? dev.walt.world.Motion.UP : dev.walt.world.Motion.RIGHT;
      assertThat(DenoisingProbe.travelAlong(pixels, 17, 32, bg, across)).as(what).isCloseTo(0, within(0.02));
      // the same clip as a latent: (1, C, T, H, W) with the object's colour vector on the cells it covers, so the
      // latent centroid moves with it too (coarser: 8 x 8 cells)
      try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager()) {
        var latent = manager.create(pixels, new ai.djl.ndarray.types.Shape(1, 3, 17, 32, 32));
        assertThat(DenoisingProbe.latentTravelAlong(latent, motion)).as(what).isCloseTo(scene.travel(), within(0.03));
        assertThat(DenoisingProbe.latentTravelAlong(latent, across)).as(what).isCloseTo(0, within(0.03));
      }
    }
  }
}
