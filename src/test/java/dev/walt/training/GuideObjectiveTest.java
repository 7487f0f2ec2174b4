package dev.walt.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.walt.model.TestModels;
import dev.walt.model.WaltModel;
import dev.walt.world.Shape;
import dev.walt.world.Split;
import dev.walt.world.TrainingBatches;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@org.junit.jupiter.api.extension.ExtendWith(dev.walt.model.SingleThreadedTorch.class)
class GuideObjectiveTest {

  @TempDir Path dir;

  @Test
  void thePoolHoldsEachSceneInEveryShapeAndTheGuideLearnsToTellThem() throws Exception {
    try (WaltModel model = WaltModel.randomWeights(TestModels.withGuide(TestModels.small(), 16, 1), 3, Device.cpu())) {
      TrainingBatches data = new TrainingBatches(1, Split.TRAIN);
      int size = GuideObjective.HELD + 4;
      int frames = model.config().frames();
      AtomicInteger encoded = new AtomicInteger();
      Path file = dir.resolve(GuideObjective.FILE);
      ScenePool pool =
          ScenePool.open(file, model.vae(), model.manager(), data, size, 8, frames, encoded::set);
      assertEquals(size * Shape.values().length, encoded.get(), "each scene in every shape");
      // each scene's own shape is its clip (frames 0 .. frames - 1) encoded; the other shapes differ from it
      try (NDManager scope = model.manager().newSubManager()) {
        for (int i = 0; i < 4; i++) {
          dev.walt.world.Scene scene = pool.example(i).scene();
          float[] shapes = pool.latents(scope, new int[] {i}).toFloatArray();
          float[] own = DiffusionLoss.encodeFrozen(model.vae(), scope,
              dev.walt.world.Frames.toArray(dev.walt.world.SceneRenderer.render(scene, 0, frames, 8)),
              new ai.djl.ndarray.types.Shape(1, 3, frames, 8, 8)).toFloatArray();
          int length = own.length;
          int s = scene.shape().ordinal();
          assertArrayEquals(own, java.util.Arrays.copyOfRange(shapes, s * length, (s + 1) * length), 1e-5f);
          for (int other = 0; other < Shape.values().length; other++) {
            if (other != s) {
              float[] latent = java.util.Arrays.copyOfRange(shapes, other * length, (other + 1) * length);
              assertTrue(maxDifference(own, latent) > 1e-3, "scene " + i + " as " + Shape.values()[other]);
            }
          }
        }
      }
      AtomicInteger again = new AtomicInteger();
      ScenePool read =
          ScenePool.open(file, model.vae(), model.manager(), data, size, 8, frames, again::set);
      assertEquals(0, again.get(), "read back, not encoded again");
      try (NDManager scope = model.manager().newSubManager()) {
        assertArrayEquals(pool.latents(scope, new int[] {3, 0}).toFloatArray(),
            read.latents(scope, new int[] {3, 0}).toFloatArray(), 0f);
      }

      GuideObjective objective = new GuideObjective("base", model.guide(0), model.textEncoder(), pool, 4);
      double chance = Math.log(4 * Shape.values().length); // each caption against 4 scenes in every shape
      double first = ObjectiveLosses.mean(objective, model, 8);
      assertEquals(chance, first, 0.1, "an untrained guide cannot tell the latents apart");
      try (Trainer trainer =
          new Trainer("base", objective, TrainerSettings.of(200, 3e-3, 1), dir.resolve("work"), model.manager())) {
        trainer.train(200, null);
      }
      double trained = ObjectiveLosses.mean(objective, model, 8);
      // four training scenes: the guide learns them (the held-out ones measure it; this random model's are noise)
      assertTrue(trained < 0.5 * chance, "loss " + first + " -> " + trained);
    }
  }

  @Test
  void anAdversarialPerturbationRaisesTheLossAndLeavesNoGradientBehind() throws Exception {
    try (WaltModel model = WaltModel.randomWeights(TestModels.withGuide(TestModels.small(), 8, 1), 3, Device.cpu())) {
      ScenePool pool = pool(model, GuideObjective.HELD + 4);
      GuideObjective plain = new GuideObjective("base", model.guide(0), model.textEncoder(), pool, 4);
      GuideObjective robust = new GuideObjective("base", model.guide(0), model.textEncoder(), pool, 4)
          .withRobustness(0.2);
      boolean previous = ai.djl.pytorch.jni.JniUtils.isGradMode();
      ai.djl.pytorch.jni.JniUtils.setGradMode(true);
      try (NDManager scope = model.manager().newSubManager()) {
        for (NDArray p : robust.parameters().arrays()) {
          p.setRequiresGradient(true);
        }
        for (long step = 0; step < 4; step++) {
          double clean = plain.loss(scope, step, new SplittableRandom(step)).getFloat();
          for (NDArray p : robust.parameters().arrays()) { // the clean loss built no gradient yet: start at zero
            ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) p);
          }
          double attacked = robust.loss(scope, step, new SplittableRandom(step)).getFloat();
          assertTrue(attacked > clean, "step " + step + ": " + clean + " -> " + attacked);
          for (NDArray p : robust.parameters().arrays()) {
            assertEquals(0f, p.getGradient().abs().max().getFloat(), "the attack's gradients are cleared");
          }
        }
      } finally {
        ai.djl.pytorch.jni.JniUtils.setGradMode(previous);
      }
      assertThrows(IllegalArgumentException.class, () -> plain.withRobustness(-0.1));
    }
  }

  @Test
  void aPoolSmallerThanTheHeldOutScenesAndABatchIsRefused() throws Exception {
    try (WaltModel model = WaltModel.randomWeights(TestModels.withGuide(TestModels.small(), 8, 1), 3, Device.cpu())) {
      ScenePool pool = pool(model, GuideObjective.HELD + 1);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new GuideObjective("base", model.guide(0), model.textEncoder(), pool, 2));
      assertEquals("the guide pool needs at least 66 scenes (64 held out), got 65", e.getMessage());
    }
  }

  /** A pool of the training stream's first {@code size} scenes at 8 px, in the test's folder. */
  private ScenePool pool(WaltModel model, int size) throws java.io.IOException {
    return ScenePool.open(dir.resolve(GuideObjective.FILE), model.vae(), model.manager(),
        new TrainingBatches(1, Split.TRAIN), size, 8, model.config().frames(), n -> {});
  }

  private static double maxDifference(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
