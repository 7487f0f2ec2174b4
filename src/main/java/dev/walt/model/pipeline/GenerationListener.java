package dev.walt.model.pipeline;

import dev.walt.video.Clip;

/** Observes a generation; called on the generating thread, so it must return quickly. */
public interface GenerationListener {

  /** Ignores everything. */
  GenerationListener NONE = new GenerationListener() {};

  /** Progress after every sampling step (and at 0 and 100). */
  default void onProgress(GenerationProgress progress) {}

  /**
   * A preview of the video being generated: the base stage's current x0 estimate decoded at the base
   * resolution (e.g. 17 x 32 x 32 for walt-tiny). Sent at most once per the pipeline's preview interval.
   */
  default void onPreview(Clip preview, GenerationProgress at) {}
}
