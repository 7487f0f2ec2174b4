package dev.walt.model.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.walt.model.transformer.TransformerConfig.QkNorm;
import dev.walt.model.transformer.TransformerConfig.Window;
import org.junit.jupiter.api.Test;

class FlopCountTest {

  /**
   * c = 2, p = 1, 2 blocks (spatial, spatiotemporal), D = 4, MLP 8, r = 1, text 3 wide, latent 2 x 4 x 4
   * (n = 32 tokens), windows 1x4x4 (16) and 2x2x2 (8), K = 5 text tokens, no self/frame conditioning.
   */
  @Test
  void matchesAHandCount() {
    TransformerConfig config =
        new TransformerConfig(2, 1, 2, 4, 2, 2.0, new Window(1, 4, 4), new Window(2, 2, 2), 1, 3, 2, 4, 4, false,
            false, 1, QkNorm.RMS, true);
    FlopCount count = FlopCount.of(config, 1, 2, 4, 4, 5);

    long patch = 2L * 32 * 2 * 4; //                     512: 32 tokens x (2 -> 4)
    long time = 2L * (256 * 4 + 4 * 4); //              2080: 256 -> 4 -> 4
    long shared = 2L * 4 * 24; //                        192: 4 -> 6 x 4
    long lora = 2L * 2 * 1 * (4 + 24); //                112: 2 layers x (4 -> 1 -> 24)
    long textProjection = 2L * 5 * 3 * 4; //             120: 5 tokens x (3 -> 4)
    long perBlock = 2L * 32 * 4 * 12 + 2L * 32 * 4 * 4 + 2L * 2 * 32 * 4 * 8; // 3072 + 1024 + 4096 = 8192
    long textQkv = 2L * 5 * 4 * 12; //                   480: spatial block only
    long head = 2L * 4 * 8 + 2L * 32 * 4 * 2; //          64 + 512 = 576
    assertEquals(patch + time + shared + lora + textProjection + 2 * perBlock + textQkv + head, count.dense());
    assertEquals(20_456, count.dense());

    // q k^T and P v: 2 x 2 x n x keys x D; spatial keys 16 + 5 text, spatiotemporal keys 8.
    assertEquals(4L * 32 * 21 * 4 + 4L * 32 * 8 * 4, count.attention());
    assertEquals(14_848, count.attention());
    // full attention: 32 + 5 and 32 keys.
    assertEquals(4L * 32 * 37 * 4 + 4L * 32 * 32 * 4, count.fullAttention());
    assertEquals(20_456 + 14_848, count.total());

    FlopCount batch = FlopCount.of(config, 3, 2, 4, 4, 5);
    assertEquals(3 * count.total(), batch.total());
  }

  @Test
  void windowAttentionCostPerTokenStaysFlatWhileFullAttentionGrows() {
    TransformerConfig config = TransformerConfig.preset("walt-tiny").withMaxLatent(5, 64, 64);
    FlopCount small = FlopCount.of(config, 1, 5, 16, 16, 0);
    FlopCount large = FlopCount.of(config, 1, 5, 64, 64, 0);
    assertEquals(small.attention() * 16, large.attention()); // 16x tokens, same windows
    assertEquals(small.fullAttention() * 256, large.fullAttention()); // quadratic
  }
}
