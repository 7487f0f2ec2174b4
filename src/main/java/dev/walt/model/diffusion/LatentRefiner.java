package dev.walt.model.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * Corrects a first stage's sampled latent towards its caption after sampling (the cascade's hook for {@code
 * dev.walt.model.guide.CaptionRefiner}). Implementations are not thread-safe.
 */
public interface LatentRefiner {

  /**
   * Refines without gradients.
   *
   * @param latent the stage's sample (B, c, T, H, W), on the caller's scope
   * @param caption the stage's text conditioning
   * @return the refined latent, shaped like {@code latent}, on the same manager
   */
  NDArray refine(NDArray latent, TextConditioning caption);
}
