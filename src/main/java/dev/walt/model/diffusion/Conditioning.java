package dev.walt.model.diffusion;

import ai.djl.ndarray.NDArray;
import org.jspecify.annotations.Nullable;

/**
 * Everything a sampling run conditions on besides the noisy latent. Arrays belong to the caller.
 *
 * @param text text tokens and their null tokens for guidance; null for an unconditional run
 * @param frameCondition clean latent frames (B, C, T, H, W), zero where unknown; null for none
 * @param frameMask 1 for the known latent frames (B, T); with {@code frameCondition}
 * @param lowRes the noise-augmented low-resolution latent of a super-resolution stage (B, C, T, h, w)
 * @param noiseLevel augmentation level of {@code lowRes} in [0, 1] (B)
 */
public record Conditioning(
    @Nullable TextConditioning text,
    @Nullable NDArray frameCondition,
    @Nullable NDArray frameMask,
    @Nullable NDArray lowRes,
    @Nullable NDArray noiseLevel) {

  public Conditioning {
    if ((frameCondition == null) != (frameMask == null)) {
      throw new IllegalArgumentException("frameCondition and frameMask come together");
    }
  }

  /** No conditioning at all. */
  public static Conditioning none() {
    return new Conditioning(null, null, null, null, null);
  }

  /** Text only. */
  public static Conditioning text(@Nullable TextConditioning text) {
    return new Conditioning(text, null, null, null, null);
  }

  /** A copy with known latent frames. */
  public Conditioning withFrames(NDArray condition, NDArray mask) {
    return new Conditioning(text, condition, mask, lowRes, noiseLevel);
  }

  /** A copy with a low-resolution latent and its augmentation level. */
  public Conditioning withLowRes(NDArray latent, NDArray level) {
    return new Conditioning(text, frameCondition, frameMask, latent, level);
  }
}
