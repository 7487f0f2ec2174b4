package dev.walt.worker;

import dev.walt.jobs.Job;

/**
 * What the pool knows about one job a worker runs right now. The flags are set from other threads (the
 * heartbeat, the LISTEN thread, the drain) and read by the generator at every step, so
 * {@link #shouldStop()} is a few volatile reads, never a query.
 */
final class RunningJob {

  final Job job;
  final Thread thread;

  /** A cancel was requested (seen in a heartbeat, a progress write or a NOTIFY). */
  volatile boolean cancelRequested;

  /** This attempt no longer owns the job: rescued, deleted or finished by someone else. */
  volatile boolean lost;

  /** The worker is writing the attempt's outcome: a heartbeat that finds the job gone is no news. */
  volatile boolean ending;

  /** The pool is shutting down and the grace period is over: hand the job back. */
  volatile boolean releasing;

  RunningJob(Job job, Thread thread) {
    this.job = job;
    this.thread = thread;
    this.cancelRequested = job.cancelRequested();
  }

  boolean shouldStop() {
    return cancelRequested || lost || releasing;
  }

  /** Applies the answer of a guarded write: empty = lost the job, else the cancel flag. */
  void observe(java.util.Optional<Boolean> answer) {
    if (answer.isEmpty()) {
      lost = true;
    } else if (answer.get()) {
      cancelRequested = true;
    }
  }
}
