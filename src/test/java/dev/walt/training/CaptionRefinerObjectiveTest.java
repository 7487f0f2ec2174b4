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
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@org.junit.jupiter.api.extension.ExtendWith(dev.walt.model.SingleThreadedTorch.class)
class CaptionRefinerObjectiveTest {

  @TempDir Path dir;

  @Test
  void anUntrainedRefinerKeepsARightOutlineAndTrainingLowersTheLoss() throws Exception {
    try (WaltModel model =
        WaltModel.randomWeights(TestModels.withCaptionRefiner(TestModels.small(), 16, 4), 3, Device.cpu())) {
      ScenePool pool = pool(model, GuideObjective.HELD + 4);
      CaptionRefinerObjective objective = new CaptionRefinerObjective("base", model.captionRefiner(0),
          model.textEncoder(), model.stages().get(0), pool, 4, 0.25);
      // the untrained refiner is the identity: a latent in the caption's own shape is nearest to it, refined or not
      assertArrayEquals(new double[] {1, 1},
          objective.nearestShape(model.manager(), CaptionRefinerObjective.Kind.OWN, 1), 0);
      double[] other = objective.nearestShape(model.manager(), CaptionRefinerObjective.Kind.OTHER, 1);
      assertEquals(0, other[1], "another shape's latent is nearest to itself");
      assertEquals(other[1], other[0], "and stays so unrefined");
      double first = meanLoss(objective, model, 8);
      assertTrue(first > 0, "the inputs are not the targets");
      try (Trainer trainer =
          new Trainer("base", objective, TrainerSettings.of(150, 3e-3, 1), dir.resolve("work"), model.manager())) {
        trainer.train(150, null);
      }
      double trained = meanLoss(objective, model, 8);
      // four training scenes: the refiner learns to draw them from any mixture of their outlines
      assertTrue(trained < 0.5 * first, "loss " + first + " -> " + trained);
      assertTrue(objective.report(model.manager()).startsWith("caption refiner on 64 held-out scenes, output (input)"
          + " nearest to the caption's shape: average "));
    }
  }

  @Test
  void aPoolSmallerThanTheHeldOutScenesAndABatchOrABadShareIsRefused() throws Exception {
    try (WaltModel model =
        WaltModel.randomWeights(TestModels.withCaptionRefiner(TestModels.small(), 8, 3), 3, Device.cpu())) {
      ScenePool pool = pool(model, GuideObjective.HELD + 1);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new CaptionRefinerObjective("base", model.captionRefiner(0), model.textEncoder(),
              model.stages().get(0), pool, 2, 0.5));
      assertEquals("the scene pool needs at least 66 scenes (64 held out), got 65", e.getMessage());
      assertThrows(IllegalArgumentException.class,
          () -> new CaptionRefinerObjective("base", model.captionRefiner(0), model.textEncoder(),
              model.stages().get(0), pool, 1, 1.5));
    }
  }

  /** A pool of the training stream's first {@code size} scenes at 8 px, in the test's folder. */
  private ScenePool pool(WaltModel model, int size) throws java.io.IOException {
    return ScenePool.open(dir.resolve(CaptionRefinerObjective.FILE), model.vae(), model.manager(),
        new TrainingBatches(1, Split.TRAIN), size, 8, model.config().frames(), n -> {});
  }

  private static double meanLoss(CaptionRefinerObjective objective, WaltModel model, int draws) {
    double total = 0;
    for (int i = 0; i < draws; i++) {
      SplittableRandom random = new SplittableRandom(100 + i);
      try (NDManager scope = model.manager().newSubManager()) {
        total += Grad.off(() -> objective.loss(scope, 0, random).getFloat());
      }
    }
    return total / draws;
  }
}
