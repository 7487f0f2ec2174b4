package dev.walt.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.walt.model.StageConfig;
import dev.walt.model.TestModels;
import dev.walt.model.WaltConfig;
import dev.walt.model.WaltModel;
import dev.walt.world.Split;
import dev.walt.world.TrainingBatches;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@org.junit.jupiter.api.extension.ExtendWith(dev.walt.model.SingleThreadedTorch.class)
class SuperResolutionObjectiveTest {

  @TempDir Path work;

  @Test
  void fromLatentPoolsTheLossIsTheOneOfTheSameClipsEncodedFresh() throws Exception {
    WaltConfig config = TestModels.small();
    StageConfig sr = config.stages().get(1);
    int low = config.base().height();
    TrainingBatches data = new TrainingBatches(7, Split.TRAIN);
    try (WaltModel model = WaltModel.randomInit(config, 4); NDManager scope = model.manager().newSubManager()) {
      // pools of one clip: every draw is clip 0 of the stream, the clip that step 0 of batch 1 encodes fresh
      LatentPool high = LatentPool.open(work.resolve("high.bin"), model.vae(), model.manager(), data, 1, sr.height(),
          config.frames(), n -> {});
      LatentPool lowPool =
          LatentPool.open(work.resolve("low.bin"), model.vae(), model.manager(), data, 1, low, config.frames(), n -> {});
      assertEquals(high.example(0).scene(), lowPool.example(0).scene());
      SuperResolutionObjective fresh =
          new SuperResolutionObjective("sr1", model.vae(), model.stage("sr1"), data, 1, sr.height(), low, config.frames(),
              0.3);
      SuperResolutionObjective pooled =
          new SuperResolutionObjective("sr1", model.vae(), model.stage("sr1"), data, 1, sr.height(), low, config.frames(),
              0.3).withLatentPool(high, lowPool);
      SplittableRandom forFresh = new SplittableRandom(11);
      forFresh.split(); // what the pooled draw takes from the step's generator
      float expected = fresh.loss(scope, 0, forFresh).getFloat();
      float actual = pooled.loss(scope, 0, new SplittableRandom(11)).getFloat();
      assertTrue(expected > 0 && Float.isFinite(expected), "loss " + expected);
      assertEquals(expected, actual, 1e-5f * expected);

      // pools of other sizes, or smaller than a batch, are refused
      LatentPool two = LatentPool.open(work.resolve("two.bin"), model.vae(), model.manager(), data, 2, low,
          config.frames(), n -> {});
      assertEquals("the two latent pools differ in size: 1 and 2",
          assertThrows(IllegalArgumentException.class, () -> fresh.withLatentPool(high, two)).getMessage());
      SuperResolutionObjective batchOfTwo =
          new SuperResolutionObjective("sr1", model.vae(), model.stage("sr1"), data, 2, sr.height(), low, config.frames(),
              0.3);
      assertThrows(IllegalArgumentException.class, () -> batchOfTwo.withLatentPool(high, lowPool));
    }
  }

  @Test
  void detailWeightsRiseWhereTheClipDiffersFromItsUpsampledLowResolutionLatent() {
    try (NDManager m = NDManager.newBaseManager()) {
      // two samples, 2 channels, 1 frame, 4 x 4 against 2 x 2
      float[] high = new float[2 * 2 * 4 * 4];
      float[] low = new float[2 * 2 * 2 * 2];
      high[1 * 4 + 1] = 2f; // sample 0, channel 0, (1, 1): |2 - 0| averaged over 2 channels = 1
      for (int i = 0; i < 2 * 4 * 4; i++) {
        high[32 + i] = 0.5f; // sample 1: every position 0.5 ...
      }
      for (int i = 0; i < 2 * 2 * 2; i++) {
        low[8 + i] = 0.5f; // ... and so is its low-resolution latent: no detail anywhere
      }
      NDArray w =
          SuperResolutionObjective.detailWeights(
              m.create(high, new Shape(2, 2, 1, 4, 4)), m.create(low, new Shape(2, 2, 1, 2, 2)), 3);
      assertEquals(new Shape(2, 1, 1, 4, 4), w.getShape());
      float[] v = w.toFloatArray();
      // sample 0: d = 1 at one of 16 positions, mean 1/16: 1 + 3 * 16 there, 1 elsewhere
      float[] expected = new float[32];
      java.util.Arrays.fill(expected, 1f);
      expected[5] = 1 + 3 * 16;
      assertArrayEquals(expected, v, 1e-3f);
    }
  }

  @Test
  void theLowResolutionLatentIsUpsampledByRepeatingEachPosition() {
    try (NDManager m = NDManager.newBaseManager()) {
      // the clip is the nearest-neighbour upsampling of its low-resolution latent except at (3, 2)
      float[] low = {1, 2, 3, 4};
      float[] high = {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4};
      high[3 * 4 + 2] = 8; // |8 - 4| = 4, mean 4/16
      float[] v =
          SuperResolutionObjective.detailWeights(
              m.create(high, new Shape(1, 1, 1, 4, 4)), m.create(low, new Shape(1, 1, 1, 2, 2)), 0.5)
              .toFloatArray();
      for (int i = 0; i < 16; i++) {
        assertEquals(i == 14 ? 1 + 0.5 * 16 : 1, v[i], 1e-4, "position " + i);
      }
    }
  }
}
