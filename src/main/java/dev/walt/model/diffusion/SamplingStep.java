package dev.walt.model.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * One finished sampling step, reported to a {@link SamplingListener}.
 *
 * @param index 0-based step index
 * @param steps S, the number of steps of the run
 * @param timestep the diffusion timestep t of this step
 * @param x0Estimate the (guided) x0 estimate of this step (B, C, T, H, W); valid only during the
 *     callback: copy it (e.g. {@code duplicate()} into your own manager) to keep it
 */
public record SamplingStep(int index, int steps, int timestep, NDArray x0Estimate) {

  /** Fraction of the run done after this step, in (0, 1]. */
  public double fractionDone() {
    return (index + 1) / (double) steps;
  }
}
