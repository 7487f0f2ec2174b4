package dev.walt.model.diffusion;

/** Observes every step of a sampling run (progress, previews). Called on the sampling thread. */
@FunctionalInterface
public interface SamplingListener {

  /** Does nothing. */
  SamplingListener NONE = step -> {};

  void onStep(SamplingStep step);
}
