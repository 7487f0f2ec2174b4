package dev.walt.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walt.model.StageConfig;
import dev.walt.model.TestModels;
import dev.walt.model.WaltConfig;
import dev.walt.model.WaltModel;
import dev.walt.world.Batch;
import dev.walt.world.Split;
import dev.walt.world.TrainingBatches;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.extension.ExtendWith(dev.walt.model.SingleThreadedTorch.class)
class BaseObjectiveTest {

  private static final WaltConfig CONFIG = TestModels.small();

  private static BaseObjective objective(WaltModel model, double motionCaptions) {
    StageConfig s = CONFIG.base();
    return new BaseObjective(model.vae(), model.textEncoder(), model.stage("base"), new TrainingBatches(3, Split.TRAIN),
        2, 0, s.height(), CONFIG.frames(), 0.1, 0.3, 0.9, 0, motionCaptions);
  }

  @Test
  void motionCaptionsReplaceTheWholePromptByAPhraseOfTheClipsOwnMotion() {
    Batch clips = new TrainingBatches(3, Split.TRAIN).videos(0, 40, CONFIG.base().height(), CONFIG.frames());
    try (WaltModel model = WaltModel.randomInit(CONFIG, 4)) {
      List<String> all = objective(model, 1).withMotionCaptions(clips, new SplittableRandom(1));
      for (int i = 0; i < all.size(); i++) {
        List<String> phrases = clips.examples().get(i).scene().motion().phrases();
        assertTrue(phrases.contains(all.get(i)), all.get(i));
      }
      assertEquals(clips.captions(), objective(model, 0).withMotionCaptions(clips, new SplittableRandom(1)));
      List<String> some = objective(model, 0.5).withMotionCaptions(clips, new SplittableRandom(1));
      long replaced = java.util.stream.IntStream.range(0, some.size())
          .filter(i -> !some.get(i).equals(clips.captions().get(i))).count();
      assertTrue(replaced > 5 && replaced < 35, "replaced " + replaced + " of 40");
      assertThrows(IllegalArgumentException.class, () -> objective(model, 1.5));
    }
  }
}
