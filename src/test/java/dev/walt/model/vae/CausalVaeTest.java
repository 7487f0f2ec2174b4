package dev.walt.model.vae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CausalVaeTest {

  /** 3 levels (8, 16, 16 channels), c = 4, 4x space, 4x time, 1 residual block per level. */
  static final VaeConfig TINY = new VaeConfig(8, List.of(1, 2, 2), 4, 4, 4, 1, 4);

  private static NDManager manager;
  private static CausalVae vae;
  private static NDArray video;

  @BeforeAll
  static void build() {
    Engine.getInstance().setRandomSeed(3);
    manager = NDManager.newBaseManager();
    vae = new CausalVae(TINY);
    vae.initialize(manager);
    video = manager.randomUniform(-1f, 1f, new Shape(1, 3, 17, 16, 16));
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @Test
  void videosAndImagesHaveTheDocumentedShapes() {
    NDArray latent = vae.encode(video);
    assertThat(latent.getShape()).isEqualTo(new Shape(1, 4, 5, 4, 4));
    assertThat(vae.decode(latent).getShape()).isEqualTo(new Shape(1, 3, 17, 16, 16));
    NDArray image = video.get(":, :, 0:1");
    NDArray imageLatent = vae.encode(image);
    assertThat(imageLatent.getShape()).isEqualTo(new Shape(1, 4, 1, 4, 4));
    assertThat(vae.decode(imageLatent).getShape()).isEqualTo(new Shape(1, 3, 1, 16, 16));
    assertThat(vae.latentShape(new Shape(1, 3, 17, 64, 64))).isEqualTo(new Shape(1, 4, 5, 16, 16));
  }

  @Test
  void theFirstFrameAloneEncodesToTheFirstLatentFrame() {
    NDArray latent = vae.encode(video);
    NDArray alone = vae.encode(video.get(":, :, 0:1"));
    assertThat(maxAbs(latent.get(":, :, 0:1").sub(alone))).isLessThan(1e-5f);
    NDArray decoded = vae.decode(latent);
    NDArray decodedAlone = vae.decode(latent.get(":, :, 0:1"));
    assertThat(maxAbs(decoded.get(":, :, 0:1").sub(decodedAlone))).isLessThan(1e-5f);
  }

  /**
   * Latent frame i covers video frames 4i-3 .. 4i (latent 0 covers frame 0 alone). Changing frame t
   * changes no latent frame before the one covering t, and no decoded frame before the first frame of
   * that block: when t starts a block (t = 4i - 3), no decoded frame before t.
   */
  @Test
  void changingFrameTChangesNothingBeforeIt() {
    NDArray latent = vae.encode(video);
    NDArray decoded = vae.decode(latent);
    for (int t : new int[] {1, 5, 16}) {
      NDArray changed = video.duplicate();
      changed.set(new NDIndex(":, :, " + t), 0.9f);
      NDArray latent2 = vae.encode(changed);
      NDArray decoded2 = vae.decode(latent2);
      int block = (t + 3) / 4;
      int blockStart = 4 * block - 3;
      assertThat(maxAbs(latent2.get(":, :, 0:" + block).sub(latent.get(":, :, 0:" + block))))
          .as("latents before %d for frame %d", block, t)
          .isEqualTo(0f);
      assertThat(maxAbs(latent2.get(":, :, " + block).sub(latent.get(":, :, " + block))))
          .as("latent %d for frame %d", block, t)
          .isGreaterThan(1e-4f);
      assertThat(maxAbs(decoded2.get(":, :, 0:" + blockStart).sub(decoded.get(":, :, 0:" + blockStart))))
          .as("decoded frames before %d for frame %d", blockStart, t)
          .isEqualTo(0f);
    }
  }

  @Test
  void measuredStatisticsNormaliseTheLatents() {
    CausalVae fresh = new CausalVae(TINY);
    fresh.initialize(manager);
    try (NDManager data = manager.newSubManager()) {
      List<NDArray> batches =
          List.of(
              data.randomUniform(-1f, 1f, new Shape(2, 3, 5, 8, 8)),
              data.randomUniform(-1f, 1f, new Shape(1, 3, 5, 8, 8)));
      fresh.measureLatentStatistics(batches);
      NDArray all = fresh.encode(batches.get(0)).concat(fresh.encode(batches.get(1)), 0);
      // (B, c, T', H', W') -> per channel over everything else
      int[] axes = {0, 2, 3, 4};
      long n = all.getShape().size() / TINY.latentChannels();
      float[] mean = all.sum(axes).div(n).toFloatArray();
      float[] meanSquare = all.square().sum(axes).div(n).toFloatArray();
      for (int c = 0; c < TINY.latentChannels(); c++) {
        assertThat((double) mean[c]).isCloseTo(0, within(1e-4));
        assertThat((double) meanSquare[c]).isCloseTo(1, within(1e-3));
      }
      assertThat(fresh.latentStd()[0]).isPositive();
    }
  }

  @Test
  void normalisationIsUndoneByDecode() {
    CausalVae scaled = new CausalVae(TINY);
    scaled.initialize(manager);
    NDArray x = video.get(":, :, 0:5, :8, :8");
    NDArray raw = scaled.encode(x);
    NDArray before = scaled.decode(raw);
    scaled.setLatentStatistics(new float[] {1, -2, 0.5f, 3}, new float[] {2, 0.5f, 4, 1});
    NDArray normalised = scaled.encode(x);
    float[] r = raw.get(":, 1").toFloatArray();
    float[] n = normalised.get(":, 1").toFloatArray();
    assertThat((double) n[0]).isCloseTo((r[0] + 2) / 0.5, within(1e-5));
    assertThat(maxAbs(scaled.decode(normalised).sub(before))).isLessThan(1e-5f);
  }

  @Test
  void flopsFollowTheArchitecture() {
    // encoder of TINY on (1, 3, 17, 16, 16), convolutions only: 2 * Cin * k^3 + 1 per output
    long expectedConvs =
        conv(3, 8, 27, 17 * 16 * 16) // conv_in
            + conv(8, 8, 27, 17 * 16 * 16) * 2 // down.0.res.0
            + conv(8, 8, 27, 9 * 8 * 8) // down.0.downsample (t 2, s 2)
            + conv(8, 16, 27, 9 * 8 * 8) + conv(16, 16, 27, 9 * 8 * 8) + conv(8, 16, 1, 9 * 8 * 8) // down.1.res.0
            + conv(16, 16, 27, 5 * 4 * 4) // down.1.downsample
            + conv(16, 16, 27, 5 * 4 * 4) * 2 // down.2.res.0
            + conv(16, 16, 27, 5 * 4 * 4) * 4 // mid
            + conv(16, 4, 27, 5 * 4 * 4); // conv_out
    long norms =
        8L * (8 * 17 * 16 * 16 * 2 + 8 * 9 * 8 * 8 + 16 * 9 * 8 * 8 + 16 * 5 * 4 * 4 * (2 + 4 + 1));
    assertThat(vae.encodeFlops(new Shape(1, 3, 17, 16, 16))).isEqualTo(expectedConvs + norms);
    assertThat(vae.decodeFlops(new Shape(1, 4, 5, 4, 4))).isPositive();
    assertThat(vae.encodeFlops(new Shape(2, 3, 17, 16, 16))).isEqualTo(2 * (expectedConvs + norms));
  }

  @Test
  void thePaperConfigurationCompresses17x128x128IntoTheDocumentedLatent() {
    // shapes and FLOPs need no weights
    CausalVae paper = new CausalVae(VaeConfig.paper());
    Shape video = new Shape(1, 3, 17, 128, 128);
    assertThat(paper.latentShape(video)).isEqualTo(new Shape(1, 8, 5, 16, 16));
    assertThat(paper.encodeFlops(video)).isGreaterThan(paper.encodeFlops(new Shape(1, 3, 1, 128, 128)) * 4);
    CausalVae tiny = new CausalVae(VaeConfig.tiny());
    assertThat(tiny.latentShape(new Shape(1, 3, 17, 64, 64))).isEqualTo(new Shape(1, 8, 5, 16, 16));
    assertThat(VaeConfig.paper().latentFrames(17)).isEqualTo(5);
    assertThat(VaeConfig.paper().frames(5)).isEqualTo(17);
    assertThatThrownBy(() -> new VaeConfig(128, List.of(1, 2), 8, 8, 4, 2, 32))
        .hasMessageContaining("spatialFactor 8 must be a power of two at most 2^1");
  }

  @Test
  void inferenceLeavesOnlyItsResultBehind() {
    int modelArrays = manager.getManagedArrays().size();
    try (NDManager job = manager.newSubManager()) {
      NDArray clip = job.randomUniform(-1f, 1f, new Shape(1, 3, 5, 8, 8));
      NDArray latent = vae.encode(clip);
      NDArray decoded = vae.decode(latent);
      // the clip, the latent and the decoded video, plus the few small arrays of the latent
      // normalisation (raw latent, its differences, two channel vectors per direction)
      assertThat(job.getManagedArrays()).contains(clip, latent, decoded).hasSizeLessThanOrEqualTo(12);
    }
    assertThat(manager.getManagedArrays()).hasSize(modelArrays);
  }

  @Test
  void rejectsFrameCountsThatDoNotCompress() {
    assertThatThrownBy(() -> vae.encode(manager.zeros(new Shape(1, 3, 4, 16, 16))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 + k*4");
  }

  private static long conv(int in, int out, int kernel, int positions) {
    return (long) out * positions * (2L * in * kernel + 1);
  }

  private static float maxAbs(NDArray a) {
    return a.abs().max().getFloat();
  }
}
