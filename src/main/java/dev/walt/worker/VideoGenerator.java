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
}
