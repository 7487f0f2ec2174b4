package dev.walt.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import dev.walt.model.nn.FixedShapeBlock;
import java.nio.FloatBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The W.A.L.T autoencoder (Gupta et al. 2023, section 3.1; MAGVIT-v2 style causal 3D CNN, no
 * quantisation). Every convolution is causal in time and every normalisation is per frame, so latent
 * frame i depends on video frames {@code <= i * tf} only, and an image (a one-frame video) encodes
 * exactly like the first frame of a video: images and videos share one latent space.
 *
 * <p>Latents are normalised per channel, {@code (z - latent_mean) / latent_std}, with statistics
 * measured on data by {@link #measureLatentStatistics} and stored as the parameters {@code
 * latent_mean} and {@code latent_std} (c), which travel in the checkpoint and are never trained.
 *
 * <p>Parameter names: {@code encoder.*}, {@code decoder.*}, {@code latent_mean}, {@code latent_std}.
 * {@link #forward} maps a video to {@code (reconstruction, normalised latent)}.
 */
public final class CausalVae extends FixedShapeBlock implements VideoAutoencoder {

  private final VaeConfig config;
  private final VaeEncoder encoder;
  private final VaeDecoder decoder;
  private final Parameter latentMean;
  private final Parameter latentStd;

  public CausalVae(VaeConfig config) {
    this.config = config;
    encoder = addChildBlock("encoder", new VaeEncoder(config));
    decoder = addChildBlock("decoder", new VaeDecoder(config));
    latentMean =
        addParameter(
            Parameter.builder()
                .setName("latent_mean")
                .setType(Parameter.Type.OTHER)
                .optInitializer(Initializer.ZEROS)
                .optShape(new Shape(config.latentChannels()))
                .optRequiresGrad(false)
                .build());
    latentStd =
        addParameter(
            Parameter.builder()
                .setName("latent_std")
                .setType(Parameter.Type.OTHER)
                .optInitializer(Initializer.ONES)
                .optShape(new Shape(config.latentChannels()))
                .optRequiresGrad(false)
                .build());
  }

  @Override
  public VaeConfig config() {
    return config;
  }

  @Override
  public NDArray encode(NDArray video) {
    return encode(new ParameterStore(video.getManager(), false), video, false);
  }

  @Override
  public NDArray decode(NDArray latent) {
    return decode(new ParameterStore(latent.getManager(), false), latent, false);
  }

  /**
   * Encodes and normalises.
   *
   * @param video (B, 3, T, H, W) in [-1, 1]
   * @return (B, c, 1 + (T - 1) / tf, H / s, W / s)
   */
  public NDArray encode(ParameterStore store, NDArray video, boolean training) {
    NDArray raw = encodeRaw(store, video, training);
    return raw.sub(channelVector(store, latentMean, raw)).div(channelVector(store, latentStd, raw));
  }

  /**
   * Denormalises and decodes.
   *
   * @param latent (B, c, T', H', W')
   * @return (B, 3, 1 + (T' - 1) * tf, H' * s, W' * s)
   */
  public NDArray decode(ParameterStore store, NDArray latent, boolean training) {
    checkLatent(latent.getShape());
    NDArray raw = latent.mul(channelVector(store, latentStd, latent)).add(channelVector(store, latentMean, latent));
    return decoder.forward(store, raw, training);
  }

  /**
   * Encodes without normalising.
   *
   * @param video (B, 3, T, H, W)
   * @return (B, c, 1 + (T - 1) / tf, H / s, W / s)
   */
  public NDArray encodeRaw(ParameterStore store, NDArray video, boolean training) {
    checkVideo(video.getShape());
    return encoder.forward(store, video, training);
  }

  /**
   * Measures the per-channel mean and standard deviation of the raw latents of {@code videos} (over
   * batch, time and space) and stores them as {@code latent_mean} / {@code latent_std}. Runs without
   * gradients; each batch's temporaries are closed before the next, the videos stay the caller's.
   *
   * @param videos batches (B, 3, T, H, W) in [-1, 1]
   */
  public void measureLatentStatistics(Iterable<NDArray> videos) {
    int c = config.latentChannels();
    double[] sum = new double[c];
    double[] sumSquares = new double[c];
    long count = 0;
    for (NDArray video : videos) {
      try (NDManager scope = video.getManager().newSubManager()) {
        video.tempAttach(scope);
        NDArray raw = encodeRaw(new ParameterStore(scope, false), video, false);
        int[] axes = {0, 2, 3, 4};
        float[] s = raw.sum(axes).toFloatArray();
        float[] s2 = raw.square().sum(axes).toFloatArray();
        for (int i = 0; i < c; i++) {
          sum[i] += s[i];
          sumSquares[i] += s2[i];
        }
        count += raw.getShape().size() / c;
      }
    }
    if (count == 0) {
      throw new IllegalArgumentException("no videos to measure latent statistics on");
    }
    float[] mean = new float[c];
    float[] std = new float[c];
    for (int i = 0; i < c; i++) {
      double m = sum[i] / count;
      mean[i] = (float) m;
      std[i] = (float) Math.sqrt(Math.max(sumSquares[i] / count - m * m, 1e-12));
    }
    setLatentStatistics(mean, std);
  }

  /** Sets {@code latent_mean} and {@code latent_std} (c values each; std positive). */
  public void setLatentStatistics(float[] mean, float[] std) {
    int c = config.latentChannels();
    if (mean.length != c || std.length != c) {
      throw new IllegalArgumentException("latent statistics need " + c + " values per array");
    }
    for (float s : std) {
      if (!(s > 0)) {
        throw new IllegalArgumentException("latent std must be positive, got " + s);
      }
    }
    latentMean.getArray().set(FloatBuffer.wrap(mean));
    latentStd.getArray().set(FloatBuffer.wrap(std));
  }

  /** The stored per-channel latent mean, (c). */
  public float[] latentMean() {
    return latentMean.getArray().toFloatArray();
  }

  /** The stored per-channel latent standard deviation, (c). */
  public float[] latentStd() {
    return latentStd.getArray().toFloatArray();
  }

  /** FLOPs of one encode of a (B, 3, T, H, W) video (convolutions and normalisations). */
  public long encodeFlops(Shape video) {
    checkVideo(video);
    return encoder.flops(video);
  }

  /** FLOPs of one decode of a (B, c, T', H', W') latent (convolutions and normalisations). */
  public long decodeFlops(Shape latent) {
    checkLatent(latent);
    return decoder.flops(latent);
  }

  /** The latent shape of a (B, 3, T, H, W) video. */
  public Shape latentShape(Shape video) {
    checkVideo(video);
    return encoder.outputShape(video);
  }

  private NDArray channelVector(ParameterStore store, Parameter parameter, NDArray like) {
    // (c) -> (1, c, 1, 1, 1)
    return value(store, parameter, like, false, 1, config.latentChannels(), 1, 1, 1);
  }

  private void checkVideo(Shape s) {
    int f = config.spatialFactor();
    if (s.dimension() != 5
        || s.get(1) != 3
        || (s.get(2) - 1) % config.temporalFactor() != 0
        || s.get(3) % f != 0
        || s.get(4) % f != 0) {
      throw new IllegalArgumentException(
          "video must be (B, 3, 1 + k*" + config.temporalFactor() + ", H, W) with H, W multiples of " + f
              + ", got " + s);
    }
  }

  private void checkLatent(Shape s) {
    if (s.dimension() != 5 || s.get(1) != config.latentChannels()) {
      throw new IllegalArgumentException(
          "latent must be (B, " + config.latentChannels() + ", T', H', W'), got " + s);
    }
  }

  /**
   * @param inputs one video (B, 3, T, H, W)
   * @return (reconstruction (B, 3, T, H, W), normalised latent (B, c, T', H', W'))
   */
  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
    NDArray latent = encode(store, inputs.singletonOrThrow(), training);
    return new NDList(decode(store, latent, training), latent);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape latent = latentShape(inputShapes[0]);
    return new Shape[] {inputShapes[0], latent};
  }
}
