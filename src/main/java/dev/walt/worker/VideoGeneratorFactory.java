package dev.walt.worker;

/**
 * Creates the {@link VideoGenerator} of each worker. Without a bean of this type the worker pool does
 * not start (an API-only instance, or no model is configured), and says so in the log.
 */
public interface VideoGeneratorFactory {

  /**
   * Creates the generator of one worker; called once on that worker's own thread, before its first
   * claim (load models here: the generator then belongs to that thread).
   *
   * @param workerIndex 0 .. threads-1, e.g. to pick the device {@code cuda:N}
   */
  VideoGenerator create(int workerIndex) throws Exception;
}
