package dev.walt.model.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class EmbeddingTest {

  @Test
  void freshDepthToSpaceUpsamplerIsNearestNeighbour() {
    try (NDManager manager = NDManager.newBaseManager()) {
      DepthToSpaceUpsampler up = new DepthToSpaceUpsampler(2, 2);
      up.initialize(manager, DataType.FLOAT32);
      float[] low = new float[2 * 2 * 2 * 3];
      for (int i = 0; i < low.length; i++) {
        low[i] = i + 1;
      }
      NDArray out = up.forward(new ParameterStore(manager, false), manager.create(low, new Shape(1, 2, 2, 2, 3)), false);
      assertEquals(new Shape(1, 2, 2, 4, 6), out.getShape());
      float[] values = out.toFloatArray();
      for (int c = 0; c < 2; c++) {
        for (int t = 0; t < 2; t++) {
          for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 6; x++) {
              assertEquals(low[((c * 2 + t) * 2 + y / 2) * 3 + x / 2], values[((c * 2 + t) * 4 + y) * 6 + x]);
            }
          }
        }
      }
    }
  }

  @Test
  void patchesAreFlattenedChannelThenRowThenColumn() {
    try (NDManager manager = NDManager.newBaseManager()) {
      PatchEmbedding embed = new PatchEmbedding(2, 2, 8);
      embed.initialize(manager, DataType.FLOAT32);
      float[] identity = new float[8 * 8];
      for (int i = 0; i < 8; i++) {
        identity[i * 8 + i] = 1f;
      }
      embed.getParameters().get("01proj_weight").getArray().set(identity);
      float[] x = new float[2 * 1 * 2 * 4]; // (B=1, C=2, T=1, H=2, W=4)
      for (int i = 0; i < x.length; i++) {
        x[i] = i;
      }
      NDArray tokens = embed.forward(new ParameterStore(manager, false), manager.create(x, new Shape(1, 2, 1, 2, 4)), false);
      assertEquals(new Shape(1, 1, 1, 2, 8), tokens.getShape());
      // token (0, 1): channel 0 rows 0-1 columns 2-3, then channel 1
      assertArrayEquals(new float[] {0, 1, 4, 5, 8, 9, 12, 13, 2, 3, 6, 7, 10, 11, 14, 15}, tokens.toFloatArray());
    }
  }
}
