package dev.walt.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.walt.model.TestModels;
import dev.walt.model.WaltModel;
import dev.walt.world.Split;
import dev.walt.world.TrainingBatches;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@org.junit.jupiter.api.extension.ExtendWith(dev.walt.model.SingleThreadedTorch.class)
class RedrawPoolTest {

  @TempDir Path dir;

  /** Every frame of every clip of the pool, (3, 8, 8) each, in clip and frame order. */
  private static float[] frames(RedrawPool pool) {
    int frame = 3 * 8 * 8;
    float[] out = new float[pool.size() * pool.frames() * frame];
    for (int c = 0; c < pool.size(); c++) {
      for (int t = 0; t < pool.frames(); t++) {
        pool.frame(c, t, out, (c * pool.frames() + t) * frame);
      }
    }
    return out;
  }

  @Test
  void aPoolRedrawsEachSceneFromItsOwnOrAnotherShapeAndIsReadBackUntilItsSettingsChange() throws Exception {
    try (WaltModel model = WaltModel.randomWeights(TestModels.small(), 3, Device.cpu())) {
      TrainingBatches data = new TrainingBatches(1, Split.TRAIN);
      Path file = dir.resolve(RedrawPool.FILE);
      AtomicInteger redrawn = new AtomicInteger();
      RedrawPool pool = RedrawPool.open(file, model, data, 6, 1, 0.5, 0.85, redrawn::set);
      assertEquals(6, redrawn.get());
      assertEquals(6, pool.size());
      assertEquals(9, pool.frames());
      assertTrue(Files.isRegularFile(file));
      for (int c = 0; c < 6; c++) {
        assertEquals(data.videoExamples(c, 1).get(0), pool.example(c), "clip " + c + " is scene " + c);
        boolean own = pool.drawnShape(c) == pool.example(c).scene().shape();
        assertEquals(c % 3 == 0, own, "clip " + c + ": every third from its own shape, the others from another");
      }
      float[] made = frames(pool);
      for (float v : made) {
        assertTrue(v >= -1 && v <= 1, "a stored value in [-1, 1]: " + v);
      }
      // each clip is the model's redraw of its scene: the pipeline's, value for value (8 bits a value)
      var pipeline = new dev.walt.model.pipeline.WaltPipeline(model);
      var rendered = new dev.walt.video.Clip(dev.walt.world.SceneRenderer.render(
          pool.example(1).scene().withShape(pool.drawnShape(1)), 0, 9, 8), 8);
      var random = new java.util.SplittableRandom(1_000_003L + 1); // seed * 1,000,003 + clip
      random.nextInt(2); // which other shape
      float[] expected =
          pipeline.redrawBase(rendered, pool.example(1).caption(), 1 + 1, 0.5 + 0.35 * random.nextDouble()).toRgb();
      assertEquals(9 * 3 * 64, expected.length);
      for (int c = 0; c < 3; c++) { // expected (3, T, 8, 8), made (clip, T, 3, 8, 8)
        for (int t = 0; t < 9; t++) {
          for (int p = 0; p < 64; p++) {
            float want = Math.max(-1, Math.min(1, expected[(c * 9 + t) * 64 + p]));
            assertEquals(want, made[((9 + t) * 3 + c) * 64 + p], 0.5 / 127.5 + 1e-6, "clip 1, frame " + t);
          }
        }
      }

      AtomicInteger again = new AtomicInteger();
      RedrawPool read = RedrawPool.open(file, model, data, 6, 1, 0.5, 0.85, again::set);
      assertEquals(0, again.get(), "read back, not redrawn");
      assertArrayEquals(made, frames(read));
      for (int c = 0; c < 6; c++) {
        assertEquals(pool.drawnShape(c), read.drawnShape(c));
      }

      RedrawPool stronger = RedrawPool.open(file, model, data, 6, 1, 0.9, 1.0, again::set);
      assertEquals(6, again.get(), "other strengths: redrawn");
      assertFalse(java.util.Arrays.equals(made, frames(stronger)));
    }
  }

  @Test
  void sizesAndStrengthsOutsideTheirRangesAreRefused() throws Exception {
    try (WaltModel model = WaltModel.randomWeights(TestModels.small(), 3, Device.cpu())) {
      TrainingBatches data = new TrainingBatches(1, Split.TRAIN);
      Path file = dir.resolve(RedrawPool.FILE);
      assertEquals("the redraw pool needs at least one clip, got 0", assertThrows(IllegalArgumentException.class,
          () -> RedrawPool.open(file, model, data, 0, 1, 0.5, 0.85, done -> {})).getMessage());
      for (double[] bad : new double[][] {{0, 0.5}, {0.6, 0.5}, {0.5, 1.2}}) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> RedrawPool.open(file, model, data, 2, 1, bad[0], bad[1], done -> {}));
        assertTrue(e.getMessage().startsWith("redraw strengths must satisfy 0 < min <= max <= 1"), e.getMessage());
      }
      assertFalse(Files.exists(file));
    }
  }
}
