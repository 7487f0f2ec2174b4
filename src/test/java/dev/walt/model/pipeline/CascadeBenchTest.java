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
    assertThat(flops.keySet()).containsExactly("base", "sr1", "sr2", "decode");
    // base: 32 guided steps = 64 passes of 2,442,012,672 FLOPs (5 x 8 x 8 latent, 16 text tokens)
    // the layout maps: 2 * 128 * (4 * 5 * 8 * 8) for the maps, 2 * 320 * 4 * 192 to add them to the tokens
    assertThat(flops.get("base")).containsExactly(64 * (2_442_012_672L + 327_680 + 491_520) / 1e9, 64);
    // sr1 takes the caption (no guidance: 16 passes): + 16 text tokens through the qkv projection of its 2
    // spatial blocks (3,145,728), as 16 more keys in their attention (20,971,520), the text projection (524,288)
    // and the pooled caption (32,768)
    assertThat(flops.get("sr1"))
        .containsExactly(16 * (2_778_052_608L + 3_145_728 + 20_971_520 + 524_288 + 32_768) / 1e9, 16);
    assertThat(flops.get("sr2")).containsExactly(12 * 2_806_069_248L / 1e9, 12);
    assertThat(flops.get("decode")).containsExactly(146_717_261_824L / 1e9, 1);
  }

  @Test
  void waltTinyParameterCountsFitTheShippingBudget() {
    try (WaltModel model = WaltModel.randomInit(WaltConfig.tiny(), 1, Device.cpu())) {
      assertThat(WaltModel.parameterCount(model.vae())).isEqualTo(3_802_043);
      assertThat(WaltModel.parameterCount(model.textEncoder())).isEqualTo(408_064);
      assertThat(model.stages().get(0).parameterCount()).isEqualTo(4_013_096 + 128 * 1_280 + 1_280 + 4 * 192); // + the layout maps (weight, bias, directions)
      assertThat(model.stages().get(1).parameterCount()).isEqualTo(1_092_216 + 128 * 128 + 128 + 128 * 128 + 128); // + the text projection and the pooled caption (sr1 takes text)
      assertThat(model.stages().get(2).parameterCount()).isEqualTo(1_101_456);
      // fp16: two bytes per parameter, well under the 80 MB budget
      assertThat(model.parameterCount()).isEqualTo(10_615_787).isLessThan(40_000_000);
    }
  }
}
