package dev.walt.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingBatchesTest {

  @Test
  void batchesAreDeterministicPerSeedAndIndex() {
    Batch a = new TrainingBatches(7, Split.TRAIN).videos(3, 4, 32, 9);
    Batch b = new TrainingBatches(7, Split.TRAIN).videos(3, 4, 32, 9);
    assertThat(a.examples()).isEqualTo(b.examples());
    assertThat(a.startFrames()).containsExactly(b.startFrames());
    assertThat(a.pixels()).isEqualTo(b.pixels());
    Batch c = new TrainingBatches(7, Split.TRAIN).videos(4, 4, 32, 9);
    assertThat(c.examples()).doesNotContainAnyElementsOf(a.examples());
    Batch d = new TrainingBatches(8, Split.TRAIN).videos(3, 4, 32, 9);
    assertThat(d.pixels()).isNotEqualTo(a.pixels());
  }

  @Test
  void videoBatchHoldsTimeCropsOfTheSampledScenes() {
    TrainingBatches batches = new TrainingBatches(1, Split.TRAIN);
    Batch batch = batches.videos(2, 3, 32, 5);
    assertThat(batch.size()).isEqualTo(3);
    assertThat(batch.pixels()).hasSize(3 * 3 * 5 * 32 * 32);
    assertThat(batch.clipLength()).isEqualTo(3 * 5 * 32 * 32);
    assertThat(batch.captions()).hasSize(3);
    WorldSampler sampler = new WorldSampler(1);
    for (int b = 0; b < 3; b++) {
      Example e = batch.examples().get(b);
      assertThat(e).isEqualTo(sampler.video(Split.TRAIN, 2 * 3 + b));
      int start = batch.startFrames()[b];
      assertThat(start).isBetween(0, World.FRAMES - 5);
      List<BufferedImage> expected = SceneRenderer.render(e.scene(), start, 5, 32);
      float[] clip = new float[batch.clipLength()];
      System.arraycopy(batch.pixels(), b * batch.clipLength(), clip, 0, clip.length);
      assertThat(clip).isEqualTo(Frames.toArray(expected));
      assertThat(batch.clip(b).get(4).getRGB(0, 0, 32, 32, null, 0, 32))
          .isEqualTo(expected.get(4).getRGB(0, 0, 32, 32, null, 0, 32));
    }
    Batch full = batches.videos(0, 2, 32, World.FRAMES);
    assertThat(full.startFrames()).containsOnly(0);
  }

  @Test
  void sameBatchAtTwoResolutionsShowsTheSameFrames() {
    TrainingBatches batches = new TrainingBatches(2, Split.TRAIN);
    Batch low = batches.videos(5, 2, 32, 5);
    Batch high = batches.videos(5, 2, 64, 5);
    assertThat(high.examples()).isEqualTo(low.examples());
    assertThat(high.startFrames()).containsExactly(low.startFrames());
    for (int b = 0; b < 2; b++) {
      List<BufferedImage> down = Frames.downsample(high.clip(b), 32);
      List<BufferedImage> direct = low.clip(b);
      for (int t = 0; t < 5; t++) {
        int[] x = down.get(t).getRGB(0, 0, 32, 32, null, 0, 32);
        int[] y = direct.get(t).getRGB(0, 0, 32, 32, null, 0, 32);
        for (int i = 0; i < x.length; i++) {
          for (int shift = 0; shift <= 16; shift += 8) {
            assertThat(Math.abs(((x[i] >> shift) & 0xff) - ((y[i] >> shift) & 0xff))).isLessThanOrEqualTo(1);
          }
        }
      }
    }
  }

  @Test
  void stillBatchesAreOneFrameImagesOfStillScenes() {
    Batch batch = new TrainingBatches(3, Split.TRAIN).stills(0, 4, 64);
    assertThat(batch.frames()).isEqualTo(1);
    assertThat(batch.pixels()).hasSize(4 * 3 * 64 * 64);
    assertThat(batch.examples()).allMatch(e -> e.scene().isStill() && e.scene().motion() == Motion.STILL);
  }
}
