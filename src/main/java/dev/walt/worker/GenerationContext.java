package dev.walt.worker;

import java.awt.image.BufferedImage;
import java.util.List;

/** What a running generation may tell its worker, and ask it. */
public interface GenerationContext {

  /** Reports overall progress 0-100 and the current stage name (writes are throttled by the worker). */
  void progress(int percent, String stage);

  /** True once a cancel was requested for the job. Cheap: call it at every step. */
  boolean cancelled();

  /** Throws {@link JobCancelledException} once a cancel was requested. */
  default void checkCancelled() throws JobCancelledException {
    if (cancelled()) {
      throw new JobCancelledException();
    }
  }

  /** Offers a low-resolution preview of the video as it is now (the worker decides whether to publish it). */
  default void preview(List<BufferedImage> frames, int fps) {}
}
