package dev.walt.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.walt.model.TestModels;
import dev.walt.model.WaltConfig;
import dev.walt.model.WaltModel;
import dev.walt.world.Example;
import dev.walt.world.Split;
import dev.walt.world.TrainingBatches;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@org.junit.jupiter.api.extension.ExtendWith(dev.walt.model.SingleThreadedTorch.class)
class LatentPoolTest {

  private static final WaltConfig CONFIG = TestModels.small();

  @TempDir Path work;

  @Test
  void holdsTheEncodersLatentsOfTheStreamsFirstClipsAndReadsThemBackInsteadOfEncodingAgain() throws Exception {
    int resolution = CONFIG.base().height();
    int frames = CONFIG.frames();
    TrainingBatches data = new TrainingBatches(5, Split.TRAIN);
    try (WaltModel model = WaltModel.randomInit(CONFIG, 4); NDManager scope = model.manager().newSubManager()) {
      AtomicInteger reported = new AtomicInteger();
      LatentPool pool = LatentPool.open(work.resolve(LatentPool.FILE), model.vae(), model.manager(), data, 5, resolution, frames, reported::set);
      assertEquals(5, reported.get());
      assertEquals(5, pool.size());
      assertTrue(Files.size(work.resolve(LatentPool.FILE)) > 5 * pool.clipShape().size() * 4);

      // clip i of the pool is clip i of the video stream, encoded as the objective encodes a batch
      var batch = data.videos(0, 5, resolution, frames);
      float[] expected = DiffusionLoss.encodeFrozen(model.vae(), scope, batch.pixels(),
          new Shape(5, 3, frames, resolution, resolution)).toFloatArray();
      int length = Math.toIntExact(pool.clipShape().size());
      assertEquals(expected.length, 5 * length);
      float[] drawnLatents = new float[length];
      for (int i = 0; i < 5; i++) {
        assertEquals(batch.examples().get(i), pool.example(i));
      }

      // the same pool from the file: nothing encoded, the same numbers
      reported.set(0);
      LatentPool again = LatentPool.open(work.resolve(LatentPool.FILE), model.vae(), model.manager(), data, 5, resolution, frames, reported::set);
      assertEquals(0, reported.get());
      SplittableRandom r1 = new SplittableRandom(9);
      SplittableRandom r2 = new SplittableRandom(9);
      LatentPool.Drawn a = pool.draw(scope, 3, r1);
      LatentPool.Drawn b = again.draw(scope, 3, r2);
      assertArrayEquals(a.latents().toFloatArray(), b.latents().toFloatArray());
      assertEquals(a.captions(), b.captions());

      // each drawn clip is one of the pool's: its latents and its example agree with that clip's
      assertEquals(new Shape(3).addAll(pool.clipShape()), a.latents().getShape());
      float[] drawn = a.latents().toFloatArray();
      for (int k = 0; k < 3; k++) {
        int i = batch.examples().indexOf(a.examples().get(k));
        assertTrue(i >= 0);
        System.arraycopy(drawn, k * length, drawnLatents, 0, length);
        for (int j = 0; j < length; j++) {
          assertEquals(expected[i * length + j], drawnLatents[j], 1e-5f);
        }
      }

      // another size or another encoder: encoded again
      LatentPool larger = LatentPool.open(work.resolve(LatentPool.FILE), model.vae(), model.manager(), data, 6, resolution, frames, reported::set);
      assertEquals(6, reported.get());
      assertEquals(6, larger.size());
      try (WaltModel other = WaltModel.randomInit(CONFIG, 5)) {
        reported.set(0);
        LatentPool.open(work.resolve(LatentPool.FILE), other.vae(), other.manager(), data, 6, resolution, frames, reported::set);
        assertEquals(6, reported.get());
      }
      // another stream of clips (another seed), same size, resolution and encoder: encoded again, so that its
      // captions are not paired with the first stream's latents
      Path file = work.resolve("latent-pool-" + resolution + ".bin");
      LatentPool.open(file, model.vae(), model.manager(), data, 3, resolution, frames, n -> {});
      TrainingBatches otherSeed = new TrainingBatches(6, Split.TRAIN);
      reported.set(0);
      LatentPool reseeded = LatentPool.open(file, model.vae(), model.manager(), otherSeed, 3, resolution, frames, reported::set);
      assertEquals(3, reported.get());
      assertEquals(otherSeed.videoExamples(0, 3), java.util.stream.IntStream.range(0, 3).mapToObj(reseeded::example).toList());
      float[] reseededFirst = DiffusionLoss.encodeFrozen(model.vae(), scope, otherSeed.videos(0, 1, resolution, frames).pixels(),
          new Shape(1, 3, frames, resolution, resolution)).toFloatArray();
      assertArrayEquals(reseededFirst, reseeded.latents(scope, new int[] {0}).toFloatArray(), 1e-5f);
      try (var files = Files.list(work)) {
        assertEquals(Set.of(LatentPool.FILE, file.getFileName().toString()),
            files.map(f -> f.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
      }
      assertThrows(IllegalArgumentException.class,
          () -> LatentPool.open(work.resolve(LatentPool.FILE), model.vae(), model.manager(), data, 0, resolution, frames, n -> {}));
    }
  }

  @Test
  void eachDrawCaptionsItsClipsAnewWithTheTrainingTemplates() throws Exception {
    TrainingBatches data = new TrainingBatches(5, Split.TRAIN);
    try (WaltModel model = WaltModel.randomInit(CONFIG, 4); NDManager scope = model.manager().newSubManager()) {
      LatentPool pool = LatentPool.open(work.resolve("not-yet-made").resolve(LatentPool.FILE), model.vae(), model.manager(), data, 2, CONFIG.base().height(),
          CONFIG.frames(), n -> {});
      Set<String> captionsOfClip0 = new HashSet<>();
      SplittableRandom random = new SplittableRandom(3);
      for (int d = 0; d < 40; d++) {
        LatentPool.Drawn drawn = pool.draw(scope, 2, random);
        for (int k = 0; k < 2; k++) {
          Example example = drawn.examples().get(k);
          String caption = drawn.captions().get(k);
          assertTrue(caption.contains(example.scene().colour().word()), caption);
          if (example.equals(pool.example(0))) {
            captionsOfClip0.add(caption);
          }
        }
      }
      assertTrue(captionsOfClip0.size() >= 5, "captions of clip 0: " + captionsOfClip0);
    }
  }
}
