package dev.walt.jobs;

import java.util.List;

/**
 * Told when a job reaches {@code completed}, {@code failed} or {@code cancelled}, inside the very
 * transaction that made the change: whatever the listener writes commits or rolls back together with
 * the job's new state (the webhook outbox relies on this).
 */
public interface JobFinishedListener {

  /** The job as it is after the change. Runs in the transaction; must not call out of the process. */
  void jobFinished(Job job);

  /**
   * Several jobs finished by one statement (a batched completion), in the same transaction; by default
   * one {@link #jobFinished} each. Listeners that write override it to write all in one statement.
   */
  default void jobsFinished(List<Job> jobs) {
    jobs.forEach(this::jobFinished);
  }
}
