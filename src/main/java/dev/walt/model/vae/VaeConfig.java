package dev.walt.model.vae;

import java.util.List;

/**
 * Sizes of a {@link CausalVae}.
 *
 * <p>The encoder has one level per channel multiplier; between consecutive levels it downsamples. The
 * first {@code log2(spatialFactor)} transitions halve H and W, the last {@code log2(temporalFactor)}
 * transitions halve time (first frame kept apart: T -> 1 + (T - 1) / 2). The decoder mirrors it.
 *
 * @param baseChannels channels of the first level (paper: 128)
 * @param channelMultipliers channels of level i = baseChannels * channelMultipliers[i] (paper: 1, 2, 2, 4)
 * @param latentChannels c, channels of the latent (paper default 8)
 * @param spatialFactor s, H and W shrink by it: a power of two (4 or 8 in practice)
 * @param temporalFactor time shrinks by it, first frame apart: 1, 2 or 4 (paper: 4)
 * @param resBlocksPerLevel residual blocks per level, in encoder and decoder
 * @param groups GroupNorm groups; divides every level's channels
 */
public record VaeConfig(
    int baseChannels,
    List<Integer> channelMultipliers,
    int latentChannels,
    int spatialFactor,
    int temporalFactor,
    int resBlocksPerLevel,
    int groups) {

  public VaeConfig {
    channelMultipliers = List.copyOf(channelMultipliers);
    if (baseChannels <= 0 || latentChannels <= 0 || resBlocksPerLevel < 0 || groups <= 0) {
      throw new IllegalArgumentException("VAE sizes must be positive: " + baseChannels + ", " + latentChannels
          + ", " + resBlocksPerLevel + ", " + groups);
    }
    if (channelMultipliers.isEmpty()) {
      throw new IllegalArgumentException("channelMultipliers is empty");
    }
    for (int m : channelMultipliers) {
      if (m <= 0 || (baseChannels * m) % groups != 0) {
        throw new IllegalArgumentException(
            "level channels " + baseChannels + " x " + m + " must be positive and divisible by " + groups + " groups");
      }
    }
    int transitions = channelMultipliers.size() - 1;
    if (Integer.bitCount(spatialFactor) != 1 || log2(spatialFactor) > transitions) {
      throw new IllegalArgumentException(
          "spatialFactor " + spatialFactor + " must be a power of two at most 2^" + transitions);
    }
    if (Integer.bitCount(temporalFactor) != 1 || log2(temporalFactor) > transitions) {
      throw new IllegalArgumentException(
          "temporalFactor " + temporalFactor + " must be a power of two at most 2^" + transitions);
    }
  }

  /**
   * The paper's autoencoder (WALT.md section 2): base 128, multipliers (1, 2, 2, 4), c = 8, 8x space,
   * 4x time. The paper does not give the residual blocks per level or the groups: 2 and 32 here.
   */
  public static VaeConfig paper() {
    return new VaeConfig(128, List.of(1, 2, 2, 4), 8, 8, 4, 2, 32);
  }

  /** A small autoencoder for walt-tiny: 4x space, 4x time, c = 8, 32-64 channels. */
  public static VaeConfig tiny() {
    return new VaeConfig(32, List.of(1, 2, 2), 8, 4, 4, 1, 8);
  }

  /** Number of levels (channel multipliers). */
  public int levels() {
    return channelMultipliers.size();
  }

  /** Channels of level {@code i}. */
  public int channels(int level) {
    return baseChannels * channelMultipliers.get(level);
  }

  /** Spatial factor of the transition from level {@code i} to {@code i + 1}: 2 or 1. */
  public int spatialStride(int transition) {
    return transition < log2(spatialFactor) ? 2 : 1;
  }

  /** Temporal factor of the transition from level {@code i} to {@code i + 1}: 2 or 1. */
  public int temporalStride(int transition) {
    return transition >= levels() - 1 - log2(temporalFactor) ? 2 : 1;
  }

  /** Latent frames for {@code frames} video frames: 1 + (T - 1) / temporalFactor. */
  public int latentFrames(int frames) {
    if (frames < 1 || (frames - 1) % temporalFactor != 0) {
      throw new IllegalArgumentException(
          "frames must be 1 + a multiple of " + temporalFactor + ", got " + frames);
    }
    return 1 + (frames - 1) / temporalFactor;
  }

  /** Video frames for {@code latentFrames} latent frames: 1 + (T' - 1) * temporalFactor. */
  public int frames(int latentFrames) {
    return 1 + (latentFrames - 1) * temporalFactor;
  }

  private static int log2(int powerOfTwo) {
    return Integer.numberOfTrailingZeros(powerOfTwo);
  }
}
