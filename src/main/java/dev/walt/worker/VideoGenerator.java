package dev.walt.worker;

/**
 * Turns a job's request into frames. The W.A.L.T cascade implements it in production; tests use fast
 * generators under {@code src/test}. An instance belongs to one worker thread.
 */
public interface VideoGenerator {

  /**
   * Generates the video of one job.
   *
   * @throws JobCancelledException when {@link GenerationContext#checkCancelled()} saw a cancel
   * @throws Exception any other failure, reported on the job (and retried when transient)
   */
  GeneratedVideo generate(GenerationTask task, GenerationContext context) throws Exception;

  /**
   * Called on the worker's thread after each job, whatever its outcome, once its outputs are encoded
   * and uploaded and before the next claim: the place to give back what the job no longer needs.
   * Must not throw. Does nothing by default.
   */
  default void afterJob() {}
}
