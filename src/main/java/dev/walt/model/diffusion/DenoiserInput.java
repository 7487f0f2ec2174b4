package dev.walt.model.diffusion;

import ai.djl.ndarray.NDArray;
import org.jspecify.annotations.Nullable;

/**
 * Everything a {@link Denoiser} sees for one forward pass. Arrays belong to the caller's scope.
 *
 * @param noisy x_t, (B, C, T, H, W)
 * @param timesteps diffusion time per sample as float32 in [0, 1000): (B)
 * @param selfCondition previous x0 estimate for self-conditioning, (B, C, T, H, W); null means zeros
 * @param text text tokens from the text encoder, (B, K, Dt); null for an unconditional model
 * @param textMask 1 for a real text token, 0 for padding, (B, K); null means all valid
 * @param frameCondition clean latent frames for image-to-video / continuation, (B, C, T, H, W), zero
 *     where not given; null means none
 * @param frameMask 1 for the latent frames given in {@code frameCondition}, else 0: (B, T); null means none
 * @param lowRes the low-resolution latent a super-resolution stage conditions on (already noise
 *     augmented), (B, C, T, H/s, W/s); null for a base stage
 * @param noiseLevel the noise-conditioning augmentation level of {@code lowRes} in [0, 1], (B); null
 *     means 0
 * @param training whether dropout and other training-only behaviour is active
 */
public record DenoiserInput(
    NDArray noisy,
    NDArray timesteps,
    @Nullable NDArray selfCondition,
    @Nullable NDArray text,
    @Nullable NDArray textMask,
    @Nullable NDArray frameCondition,
    @Nullable NDArray frameMask,
    @Nullable NDArray lowRes,
    @Nullable NDArray noiseLevel,
    boolean training) {

  /** An unconditional inference input. */
  public static DenoiserInput of(NDArray noisy, NDArray timesteps) {
    return new DenoiserInput(noisy, timesteps, null, null, null, null, null, null, null, false);
  }
}
