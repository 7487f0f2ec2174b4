package dev.walt.model.diffusion;

/** Observes the progress of a {@link Cascade} run; called on the generating thread. */
@FunctionalInterface
public interface CascadeListener {

  /** Does nothing. */
  CascadeListener NONE = progress -> {};

  void onProgress(CascadeProgress progress);
}
