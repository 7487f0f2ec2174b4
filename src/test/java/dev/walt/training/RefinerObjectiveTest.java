package dev.walt.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.walt.model.TestModels;
import dev.walt.model.WaltModel;
import dev.walt.world.Split;
import dev.walt.world.TrainingBatches;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@org.junit.jupiter.api.extension.ExtendWith(dev.walt.model.SingleThreadedTorch.class)
class RefinerObjectiveTest {

  @TempDir Path dir;

  @Test
  void theRefinerLearnsToBeatBicubicUpsamplingOnItsStagesOwnSamples() throws Exception {
    try (WaltModel model = WaltModel.randomWeights(TestModels.withRefiner(TestModels.small(), 1, 8, 3), 3, Device.cpu())) {
      TrainingBatches data = new TrainingBatches(1, Split.TRAIN);
      Path file = dir.resolve(RefinerObjective.FILE);
      AtomicInteger sampled = new AtomicInteger();
      RefinerObjective.Pool pool = RefinerObjective.Pool.open(file, model, 1, data, 3, 1, 0.5, done -> sampled.set(done));
      assertEquals(3, sampled.get());
      RefinerObjective objective = new RefinerObjective("sr1", model.refiner(1), pool, 6);
      double[] before = objective.poolError(model.manager());
      assertEquals(before[1], before[0], 1e-9, "an untrained refiner is bicubic upsampling");
      try (Trainer trainer =
          new Trainer("sr1", objective, TrainerSettings.of(150, 3e-3, 1), dir.resolve("work"), model.manager())) {
        trainer.train(150, null);
        trainer.loadEmaIntoParameters();
      }
      double[] after = objective.poolError(model.manager());
      assertEquals(before[1], after[1], 1e-9, "the same frames");
      // a random model's samples tell nothing: what the refiner learns is to sharpen the input's edges
      assertTrue(after[0] < 0.85 * after[1], "refined " + after[0] + ", bicubic " + after[1]);

      AtomicInteger again = new AtomicInteger();
      RefinerObjective.Pool read = RefinerObjective.Pool.open(file, model, 1, data, 3, 1, 0.5, done -> again.set(done));
      assertEquals(0, again.get(), "read back, not sampled again");
      double[] reread = new RefinerObjective("sr1", model.refiner(1), read, 6).poolError(model.manager());
      assertArrayEquals(after, reread, 0);

      // another stream of clips (seed 2) is not paired with this pool
      RefinerObjective.Pool other =
          RefinerObjective.Pool.open(file, model, 1, new TrainingBatches(2, Split.TRAIN), 3, 1, 0.5, done -> again.set(done));
      assertEquals(3, again.get());
      assertEquals(3, other.size());
    }
  }

  @Test
  void withRedrawsTheInputsThatAreNotCleanAreTheFirstStagesRedrawsThroughItsCaptionRefiner() throws Exception {
    try (WaltModel model = WaltModel.randomWeights(
        TestModels.withCaptionRefiner(TestModels.withRefiner(TestModels.small(), 1, 8, 3), 8, 2), 3, Device.cpu())) {
      // a caption refiner that is not the identity, so that its part in the inputs shows
      try (NDManager scope = model.manager().newSubManager()) {
        for (var pair : model.captionRefiner(0).getParameters()) {
          var array = pair.getValue().getArray();
          array.set(scope.randomNormal(0, 0.1f, array.getShape(), array.getDataType()).toFloatArray());
        }
      }
      TrainingBatches data = new TrainingBatches(1, Split.TRAIN);
      RedrawPool redraws = RedrawPool.open(dir.resolve(RedrawPool.FILE), model, data, 6, 1, 0.5, 0.85, done -> {});
      RefinerObjective.Pool pool =
          RefinerObjective.Pool.open(dir.resolve(RefinerObjective.FILE), model, 1, data, 5, 1, 0.5, redraws, done -> {});
      var pipeline = new dev.walt.model.pipeline.WaltPipeline(model);
      for (int clip = 0; clip < 5; clip++) {
        var example = data.videoExamples(clip, 1).get(0);
        float[] expected = clip % 4 == 0
            ? data.videos(clip, 1, 8, 9).pixels() // clean: the scene at the first stage's size
            : pipeline.refineCaption(redraws.clip(clip, 8), example.caption()).toRgb();
        float[] input = pool.input(clip);
        assertEquals(expected.length, input.length);
        for (int i = 0; i < input.length; i++) {
          assertEquals(Math.max(-1, Math.min(1, expected[i])), input[i], 0.5 / 127.5 + 1e-6, "clip " + clip);
        }
      }
      // the refined redraw is not the redraw itself
      float[] redraw = redraws.clip(1, 8).toRgb();
      assertTrue(!java.util.Arrays.equals(redraw, pool.input(1)));

      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RefinerObjective.Pool.open(
          dir.resolve("other.bin"), model, 1, data, 7, 1, 0.5, redraws, done -> {}));
      assertEquals("the redraws are not of this pool's 7 scenes", e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> RefinerObjective.Pool.open(dir.resolve("other.bin"), model,
          1, new TrainingBatches(2, Split.TRAIN), 5, 1, 0.5, redraws, done -> {}));
    }
  }

  @Test
  void aCleanShareDrawsTheCleanClipsThatOften() throws Exception {
    try (WaltModel model = WaltModel.randomWeights(TestModels.withRefiner(TestModels.small(), 1, 4, 2), 3, Device.cpu())) {
      RefinerObjective.Pool pool = RefinerObjective.Pool.open(dir.resolve(RefinerObjective.FILE), model, 1,
          new TrainingBatches(1, Split.TRAIN), 9, 1, 0.5, done -> {});
      java.util.SplittableRandom random = new java.util.SplittableRandom(5);
      for (double share : new double[] {0, 0.5, 1}) {
        RefinerObjective objective = new RefinerObjective("sr1", model.refiner(1), pool, 2).withCleanShare(share);
        int[] counts = new int[9];
        for (int n = 0; n < 4000; n++) {
          counts[objective.drawClip(random)]++;
        }
        int clean = counts[0] + counts[4] + counts[8]; // clips 0, 4, 8 have the clean input
        assertEquals(share, clean / 4000.0, 0.03, java.util.Arrays.toString(counts));
        for (int i = 0; i < 9; i++) { // every clip of its kind alike
          double expected = 4000 * (i % 4 == 0 ? share / 3 : (1 - share) / 6);
          assertEquals(expected, counts[i], 4000 * 0.03, "clip " + i + " at share " + share);
        }
      }
      assertThrows(IllegalArgumentException.class,
          () -> new RefinerObjective("sr1", model.refiner(1), pool, 2).withCleanShare(1.5));
    }
  }
}
