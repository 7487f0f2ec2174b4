package dev.walt.model.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.walt.model.WaltConfig;
import dev.walt.model.WaltModel;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CascadeBenchTest {

  @Test
  void flopsPerWaltTinyVideoPerStage() {
    Map<String, double[]> flops = CascadeBench.flops(WaltConfig.tiny());
    assertThat(flops.keySet()).containsExactly("base", "sr2", "decode");
    // base: 32 guided steps = 64 passes of the 5 x 8 x 8 token grid (5 x 16 x 16 latent, patch 2, 16 text
    // tokens): 2,442,012,672 FLOPs as with patch 1 on an 8 x 8 latent, + 2 * 320 * 25 * 192 * 3 for the patch
    // embedding's 4x wider input (25 channels: latent, self-conditioning, frame and its mask) and
    // 2 * 320 * 192 * 24 for the output head's 4x wider output; the layout maps: 2 * 128 * (4 * 5 * 8 * 8) for
    // the maps, 2 * 320 * 4 * 192 to add them to the tokens; the pooled caption: 2 * 128 * 192
    assertThat(flops.get("base"))
        .containsExactly(64 * (2_442_012_672L + 9_216_000 + 2_949_120 + 327_680 + 491_520 + 49_152) / 1e9, 64);
    assertThat(flops.get("sr2")).containsExactly(12 * 2_806_069_248L / 1e9, 12);
    // the 128 px decode, then the refiner's: the 64 px decode of the base's latent, and its bicubic upsampling
    // (2 matrix products per plane of 51 frame-channels) and 5 convolutions over 17 x 128 x 128 pixels
    long pixels = 17L * 128 * 128;
    long refiner = 51L * (2 * 128 * 64 * 64 + 2 * 128 * 64 * 128)
        + pixels * (32 * (2 * 6 * 9 + 1) + 3 * 32 * (2 * 32 * 9 + 1) + 3 * (2 * 32 * 9 + 1));
    assertThat(flops.get("decode")).containsExactly((146_717_261_824L + 36_679_315_456L + refiner) / 1e9, 1);
  }

  @Test
  void waltTinyParameterCountsFitTheShippingBudget() {
    try (WaltModel model = WaltModel.randomInit(WaltConfig.tiny(), 1, Device.cpu())) {
      assertThat(WaltModel.parameterCount(model.vae())).isEqualTo(3_802_043);
      assertThat(WaltModel.parameterCount(model.textEncoder())).isEqualTo(408_064);
      // base: 4,013,096 with patch 1, + the layout maps (weight, bias, directions), + patch 2's wider patch
      // embedding (192 x 25 x 3 more weights) and output head (24 x 192 more weights, 24 more biases), + the
      // pooled caption's projection (128 x 192 + 192)
      assertThat(model.stages().get(0).parameterCount())
          .isEqualTo(4_013_096 + 128 * 1_280 + 1_280 + 4 * 192 + 192 * 25 * 3 + 24 * 192 + 24 + 128 * 192 + 192);
      assertThat(model.stages().get(1).parameterCount()).isEqualTo(1_101_456);
      // SR 2's refiner: 5 convolutions 3 x 3 (6 -> 32 -> 32 -> 32 -> 32 -> 3) with biases
      assertThat(WaltModel.parameterCount(model.refiner(1)))
          .isEqualTo(6 * 32 * 9 + 32 + 3 * (32 * 32 * 9 + 32) + 32 * 3 * 9 + 3).isEqualTo(30_371);
      // the base stage's caption refiner: the query, the caption's projection (128 -> 64), per-frame 3 x 3
      // convolutions 3 -> 32, 32 -> 64 and 64 -> 64 (stride 2), two blocks 64 -> 64 each with its FiLM (64 -> 128),
      // then 64 -> 32 and 32 -> 3
      assertThat(WaltModel.parameterCount(model.captionRefiner(0)))
          .isEqualTo(128 + 128 * 64 + 64 + 3 * 32 * 9 + 32 + 32 * 64 * 9 + 64 + 64 * 64 * 9 + 64
              + 2 * (64 * 128 + 128 + 64 * 64 * 9 + 64) + 64 * 32 * 9 + 32 + 32 * 3 * 9 + 3)
          .isEqualTo(174_531);
      // fp16: two bytes per parameter, well under the 80 MB budget
      assertThat(model.parameterCount()).isEqualTo(9_534_347 + 30_371 + 174_531).isLessThan(40_000_000);
    }
  }
}
