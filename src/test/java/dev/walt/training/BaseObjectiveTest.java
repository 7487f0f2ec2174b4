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
      List<String> all = objective(model, 1).withMotionCaptions(clips.examples(), clips.captions(), new SplittableRandom(1));
      for (int i = 0; i < all.size(); i++) {
        List<String> phrases = clips.examples().get(i).scene().motion().phrases();
        assertTrue(phrases.contains(all.get(i)), all.get(i));
      }
      assertEquals(clips.captions(), objective(model, 0).withMotionCaptions(clips.examples(), clips.captions(), new SplittableRandom(1)));
      List<String> some = objective(model, 0.5).withMotionCaptions(clips.examples(), clips.captions(), new SplittableRandom(1));
      long replaced = java.util.stream.IntStream.range(0, some.size())
          .filter(i -> !some.get(i).equals(clips.captions().get(i))).count();
      assertTrue(replaced > 5 && replaced < 35, "replaced " + replaced + " of 40");
      assertThrows(IllegalArgumentException.class, () -> objective(model, 1.5));
    }
  }
  @Test
  void objectWeightsRiseWhereTheLatentDiffersFromItsFramesMeanWhateverTheLatentsScale() {
    try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
      // sample 0: 2 channels, 2 frames of 4 x 4; frame 0 holds 16 at (1, 2) in both channels (frame mean 1,
      // so d = 15 there and 1 elsewhere), frame 1 is flat (d = 0); sample 1 is sample 0 times 3
      float[] z = new float[2 * 2 * 2 * 4 * 4];
      for (int c = 0; c < 2; c++) {
        z[c * 32 + 1 * 4 + 2] = 16f;
        z[64 + c * 32 + 1 * 4 + 2] = 48f;
      }
      float[] w =
          BaseObjective.objectWeights(m.create(z, new ai.djl.ndarray.types.Shape(2, 2, 2, 4, 4)), 1).toFloatArray();
      assertEquals(2 * 2 * 4 * 4, w.length);
      double mean = 30.0 / 32; // d summed over the sample's 32 positions: 15 + 15 * 1
      for (int s = 0; s < 2; s++) {
        for (int i = 0; i < 32; i++) {
          double expected = i == 6 ? 1 + 15 / mean : i < 16 ? 1 + 1 / mean : 1;
          assertEquals(expected, w[s * 32 + i], 1e-3, "sample " + s + ", position " + i);
        }
      }
      try (WaltModel model = WaltModel.randomInit(CONFIG, 4)) {
        assertThrows(IllegalArgumentException.class, () -> objective(model, 0).withObjectWeight(-1));
      }
    }
  }

  @Test
  void outlineWeightsFollowEachClipsOutlineMapAndExcludeTheObjectWeight() {
    try (WaltModel model = WaltModel.randomInit(CONFIG, 4);
        ai.djl.ndarray.NDManager m = model.manager().newSubManager()) {
      TrainingBatches data = new TrainingBatches(3, Split.TRAIN);
      // a base stage at 64 px over whole 17-frame clips (the weights need no forward pass of the small model)
      BaseObjective objective =
          new BaseObjective(model.vae(), model.textEncoder(), model.stage("base"), data, 2, 0, 64,
              dev.walt.world.World.FRAMES, 0.1, 0.3, 0.9, 0, 0)
              .withOutlineWeight(4);
      List<dev.walt.world.Example> examples = data.videoExamples(0, 2);
      float[] w =
          objective.weights(m, m.zeros(new ai.djl.ndarray.types.Shape(2, 8, 5, 16, 16)), examples, 17).toFloatArray();
      assertEquals(2 * 5 * 16 * 16, w.length);
      for (int s = 0; s < 2; s++) {
        float[] map = OutlineMap.of(examples.get(s).scene(), 17, 64, 4, 4);
        double mean = java.util.Arrays.stream(box(map)).average().orElseThrow();
        for (int i = 0; i < map.length; i++) {
          assertEquals(1 + 4 * map[i] / mean, w[s * map.length + i], 1e-3, "sample " + s + ", position " + i);
        }
      }
      assertThrows(IllegalArgumentException.class, () -> objective.withObjectWeight(1));
      assertThrows(IllegalArgumentException.class, () -> objective(model, 0).withObjectWeight(1).withOutlineWeight(1));
      assertThrows(IllegalArgumentException.class, () -> objective(model, 0).withOutlineWeight(-1));
      // the test model's 9-frame clips would need the map of a time crop
      assertThrows(IllegalArgumentException.class, () -> objective(model, 0).withOutlineWeight(1));
    }
  }

  private static double[] box(float[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
