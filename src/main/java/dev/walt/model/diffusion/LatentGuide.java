package dev.walt.model.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * Classifier guidance (Dhariwal and Nichol 2021, "Diffusion Models Beat GANs on Image Synthesis", section 4):
 * a model of {@code log p(caption | x_t)} on noisy latents whose gradient {@link DdimSampler} adds to the
 * score, {@code eps' = eps - scale * sigma_t * grad}. Implementations are not thread-safe.
 */
public interface LatentGuide {

  /**
   * The gradient of the guide's log-probability of the caption with respect to the noisy latent.
   *
   * @param noisy x_t (B, C, T, H, W)
   * @param timestep t of every sample
   * @param text the caption's tokens (the conditional ones, not the null tokens)
   * @return (B, C, T, H, W) on {@code noisy}'s manager
   */
  NDArray gradient(NDArray noisy, int timestep, TextConditioning text);

  /** The guidance strength; 0 leaves sampling unchanged. */
  double scale();
}
