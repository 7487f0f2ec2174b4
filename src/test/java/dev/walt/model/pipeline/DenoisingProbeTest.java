package dev.walt.model.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

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
}
