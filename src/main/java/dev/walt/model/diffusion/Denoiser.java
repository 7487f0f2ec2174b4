package dev.walt.model.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * A network that predicts the diffusion velocity v (Salimans and Ho, 2022) of a noisy latent: the
 * W.A.L.T transformer implements it; tests use oracles. Implementations are not thread-safe.
 */
public interface Denoiser {

  /**
   * Predicts v for a batch.
   *
   * @param input the noisy latent and its conditioning
   * @return v prediction, shaped like {@code input.noisy()}: (B, C, T, H, W)
   */
  NDArray predictV(DenoiserInput input);
}
