package dev.walt.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.walt.model.TestModels;
import dev.walt.model.WaltModel;
import dev.walt.world.Split;
import dev.walt.world.TrainingBatches;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@org.junit.jupiter.api.extension.ExtendWith(dev.walt.model.SingleThreadedTorch.class)
class CaptionRefinerObjectiveTest {

  @TempDir Path dir;

  @Test
  void anUntrainedRefinerKeepsEveryOutlineAndTrainingLowersTheLoss() throws Exception {
    try (WaltModel model =
        WaltModel.randomWeights(TestModels.withCaptionRefiner(TestModels.small(), 8, 2), 3, Device.cpu())) {
      CaptionRefinerObjective objective = new CaptionRefinerObjective("base", model.captionRefiner(0),
          model.textEncoder(), new TrainingBatches(1, Split.TRAIN), 8, 16, model.config().frames());
      // the untrained refiner is the identity: every frame stays nearest to the shape it shows
      assertArrayEquals(new double[] {1, 1}, objective.nearestShape(model.manager(), CaptionRefinerObjective.Kind.OWN),
          0);
      assertArrayEquals(new double[] {0, 0},
          objective.nearestShape(model.manager(), CaptionRefinerObjective.Kind.OTHER), 0);
      double first = ObjectiveLosses.mean(objective, model, 8);
      assertTrue(first > 0.01, "the inputs are not the targets: " + first);
      try (Trainer trainer =
          new Trainer("base", objective, TrainerSettings.of(120, 3e-3, 1), dir.resolve("work"), model.manager())) {
        trainer.train(120, null);
      }
      double trained = ObjectiveLosses.mean(objective, model, 8);
      // 0.342 -> 0.269 when written: objects of 4 px and an 8-channel refiner learn slowly, but the loss must fall
      assertTrue(trained < 0.9 * first, "loss " + first + " -> " + trained);
      assertTrue(objective.report(model.manager()).startsWith("caption refiner on 64 held-out scenes, output (input)"
          + " nearest to the caption's shape: average "));
      // own inputs: the trained refiner's output, refined again, is not the frame refined once
      double own = ObjectiveLosses.mean(objective.withOwnInputs(1), model, 8);
      assertTrue(Math.abs(own - trained) > 1e-4, "own inputs " + own + ", plain " + trained);
      assertEquals("the own-input share must be in [0, 1], got -0.5",
          assertThrows(IllegalArgumentException.class, () -> objective.withOwnInputs(-0.5)).getMessage());
      // faded inputs: the object nearer its background is further from the target
      double faded = ObjectiveLosses.mean(objective.withOwnInputs(0).withFading(1), model, 8);
      assertTrue(faded > trained, "faded " + faded + ", plain " + trained);
      assertEquals("the faded share must be in [0, 1], got 2.0",
          assertThrows(IllegalArgumentException.class, () -> objective.withFading(2)).getMessage());
    }
  }

  @Test
  void aRedrawPoolGivesItsShareOfTheFramesAndItsLastEighthIsHeldOutForTheReport() throws Exception {
    try (WaltModel model =
        WaltModel.randomWeights(TestModels.withCaptionRefiner(TestModels.small(), 8, 2), 3, Device.cpu())) {
      TrainingBatches data = new TrainingBatches(1, Split.TRAIN);
      RedrawPool pool = RedrawPool.open(dir.resolve(RedrawPool.FILE), model, data, 9, 1, 0.5, 0.85, done -> {});
      CaptionRefinerObjective objective = new CaptionRefinerObjective("base", model.captionRefiner(0),
          model.textEncoder(), data, 8, 8, model.config().frames()).withRedrawPool(pool, 1.0);
      // untrained, the refiner is the identity: the held-out redraw (clip 8) refined is its input
      double[] share = objective.nearestShapeRedrawn(model.manager());
      assertEquals(share[1], share[0], 0);
      double first = ObjectiveLosses.mean(objective, model, 8);
      try (Trainer trainer =
          new Trainer("base", objective, TrainerSettings.of(100, 3e-3, 1), dir.resolve("work"), model.manager())) {
        trainer.train(100, null);
      }
      double trained = ObjectiveLosses.mean(objective, model, 8);
      assertTrue(trained < 0.9 * first, "loss on the redraws " + first + " -> " + trained);
      assertTrue(objective.report(model.manager()).contains("; the stage's redraws (1 held-out pool clips) "),
          objective.report(model.manager()));

      CaptionRefinerObjective other = new CaptionRefinerObjective("base", model.captionRefiner(0),
          model.textEncoder(), data, 8, 8, model.config().frames());
      assertEquals("the redraw share must be in [0, 1], got 1.5",
          assertThrows(IllegalArgumentException.class, () -> other.withRedrawPool(pool, 1.5)).getMessage());
      assertThrows(IllegalStateException.class, () -> other.nearestShapeRedrawn(model.manager()));
      CaptionRefinerObjective larger = new CaptionRefinerObjective("base", model.captionRefiner(0),
          model.textEncoder(), data, 8, 16, model.config().frames());
      assertEquals("the redraw pool has 9 frames of 8 px a clip, the stage 9 of 16",
          assertThrows(IllegalArgumentException.class, () -> larger.withRedrawPool(pool, 0.5)).getMessage());
    }
  }

  @Test
  void aBatchBelowOneIsRefused() throws Exception {
    try (WaltModel model =
        WaltModel.randomWeights(TestModels.withCaptionRefiner(TestModels.small(), 8, 2), 3, Device.cpu())) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new CaptionRefinerObjective("base", model.captionRefiner(0), model.textEncoder(),
              new TrainingBatches(1, Split.TRAIN), 0, 16, model.config().frames()));
      assertEquals("batch must be >= 1, got 0", e.getMessage());
    }
  }
}
