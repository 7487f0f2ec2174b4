package dev.walt.model.vae;

import ai.djl.ndarray.NDArray;

/**
 * Maps videos to the normalised latent space a denoiser works in and back. {@link CausalVae}
 * implements it; the cascade depends only on this interface.
 */
public interface VideoAutoencoder {

  /**
   * Encodes videos (or images as one-frame videos) into normalised latents.
   *
   * @param video (B, 3, T, H, W) in [-1, 1], T = 1 + k * temporalFactor, H and W multiples of s
   * @return (B, c, 1 + (T - 1) / temporalFactor, H / s, W / s), in the caller's manager
   */
  NDArray encode(NDArray video);

  /**
   * Decodes normalised latents.
   *
   * @param latent (B, c, T', H', W')
   * @return (B, 3, 1 + (T' - 1) * temporalFactor, H' * s, W' * s), in the caller's manager
   */
  NDArray decode(NDArray latent);

  /** The configuration (latent channels, spatial and temporal factors). */
  VaeConfig config();
}
