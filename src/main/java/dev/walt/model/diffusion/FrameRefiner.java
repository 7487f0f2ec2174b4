package dev.walt.model.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * Corrects a first stage's decoded video towards its caption after sampling (the cascade's hook for {@code
 * dev.walt.model.guide.CaptionRefiner}). Implementations are not thread-safe.
 */
public interface FrameRefiner {

  /**
   * Refines without gradients.
   *
   * @param video the stage's decoded sample (B, 3, T, H, W) in [-1, 1], on the caller's scope
   * @param caption the stage's text conditioning
   * @return the refined video, shaped like {@code video}, on the same manager
   */
  NDArray refine(NDArray video, TextConditioning caption);
}
