package dev.walt.jobs;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionOperations;

/**
 * The queue as the workers use it: claim, heartbeat, progress and the guarded end of an attempt.
 *
 * <p>Every method after {@link #claim} takes the job id and the attempt number the claim returned;
 * when the job no longer belongs to that attempt (rescued after a lost lease, cancelled, deleted,
 * released) the write changes nothing and the method says so (an empty result or false).
 *
 * <p>The end of an attempt that finishes the job (completed, failed, cancelled) runs the
 * {@link JobFinishedListener}s in the same transaction.
 */
@Component
public class JobQueue {

  private final JobRepository jobs;
  private final TransactionOperations tx;
  private final JobsSettings settings;
  private final ObjectProvider<JobFinishedListener> listeners;

  JobQueue(
      JobRepository jobs,
      TransactionOperations tx,
      JobsSettings settings,
      ObjectProvider<JobFinishedListener> listeners) {
    this.jobs = jobs;
    this.tx = tx;
    this.settings = settings;
    this.listeners = listeners;
  }

  /** Claims the next due job for the worker, or empty when none is due. */
  public Optional<Job> claim(String workerId, Duration lease) {
    return jobs.claim(workerId, lease);
  }

  /**
   * Claims up to {@code max} due jobs for the worker in one statement, in queue order, each with its
   * own attempt and lease exactly as {@link #claim(String, Duration)} gives them: for workers that
   * run many short jobs, where a round trip and a commit per job would cost more than the job. Empty
   * when none is due.
   */
  public List<Job> claim(String workerId, Duration lease, int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1");
    }
    return max == 1 ? jobs.claim(workerId, lease).map(List::of).orElse(List.of()) : jobs.claimBatch(workerId, lease, max);
  }

  /** Extends the lease; empty when the attempt lost the job, else whether a cancel was requested. */
  public Optional<Boolean> heartbeat(UUID jobId, int attempt, Duration lease) {
    return jobs.heartbeat(jobId, attempt, lease);
  }

  /** Records progress; empty when the attempt lost the job, else whether a cancel was requested. */
  public Optional<Boolean> progress(UUID jobId, int attempt, int percent, String stage) {
    return jobs.progress(jobId, attempt, percent, stage);
  }

  /** Publishes an in-progress preview object (guarded by the attempt); empty when the attempt lost the job. */
  public Optional<Boolean> preview(UUID jobId, int attempt, String previewKey) {
    return jobs.preview(jobId, attempt, previewKey);
  }

  /** Makes the result visible; empty when the attempt lost the job (its objects are then garbage). */
  public Optional<Job> complete(
      UUID jobId, int attempt, String videoKey, String thumbnailKey, @Nullable String previewKey) {
    return finishing(() -> jobs.complete(jobId, attempt, videoKey, thumbnailKey, previewKey, settings.retention()));
  }

  /** One result for {@link #completeAll}: what {@link #complete} takes. */
  public record Completion(UUID jobId, int attempt, String videoKey, String thumbnailKey, @Nullable String previewKey) {}

  /**
   * {@link #complete} for several attempts at once: one guarded UPDATE and one transaction for all of
   * them, the finish listeners run once with every completed job ({@link
   * JobFinishedListener#jobsFinished}). Each completion is guarded on its own: the result lists the
   * jobs that were completed; an attempt missing from it had lost its job (its objects are garbage),
   * exactly as an empty result of {@link #complete}.
   */
  public List<Job> completeAll(List<Completion> completions) {
    if (completions.isEmpty()) {
      return List.of();
    }
    List<Completion> byId = new java.util.ArrayList<>(completions);
    byId.sort(java.util.Comparator.comparing(Completion::jobId));
    List<Job> done = tx.execute(status -> {
      List<Job> changed = jobs.completeAll(byId, settings.retention());
      if (!changed.isEmpty()) {
        listeners.orderedStream().forEach(listener -> listener.jobsFinished(changed));
      }
      return changed;
    });
    return done == null ? List.of() : done;
  }

  /**
   * Ends a failed attempt: a transient failure with attempts left goes back to the queue after the
   * backoff; otherwise the job fails with the reason.
   *
   * @param job the job as claimed (its attempt and max_attempts decide)
   * @return the job after the change, or empty when the attempt had lost the job
   */
  public Optional<Job> failed(Job job, String code, String message, boolean retryable) {
    String reason = message.length() > 1000 ? message.substring(0, 1000) : message;
    if (retryable && job.attempt() < job.maxAttempts()) {
      Optional<Job> retried = tx.execute(status -> {
        Optional<Job> queued =
            jobs.retryLater(job.id(), job.attempt(), code, reason, settings.backoffAfter(job.attempt()));
        // idle workers everywhere learn when the retry becomes due (see untilNextDue)
        queued.ifPresent(j -> jobs.notify(JobNotifications.QUEUED));
        return queued;
      });
      return retried == null ? Optional.empty() : retried;
    }
    return finishing(() -> jobs.fail(job.id(), job.attempt(), code, reason, settings.retention()));
  }

  /** Records that the attempt stopped because a cancel was requested. */
  public Optional<Job> cancelled(UUID jobId, int attempt) {
    return finishing(() -> jobs.cancelRunning(jobId, attempt, settings.retention()));
  }

  /** Hands the job back to the queue on shutdown, without using up an attempt; wakes other workers. */
  public boolean release(UUID jobId, int attempt) {
    Boolean released = tx.execute(status -> {
      boolean done = jobs.release(jobId, attempt);
      if (done) {
        jobs.notify(JobNotifications.QUEUED);
      }
      return done;
    });
    return Boolean.TRUE.equals(released);
  }

  /** How long until the earliest queued job is due, or empty when the queue is empty. */
  public Optional<Duration> untilNextDue() {
    return jobs.untilNextDue();
  }

  /** The job by id for any tenant (workers and tests). */
  public Optional<Job> find(UUID jobId) {
    return jobs.findAnyTenant(jobId);
  }

  /** Re-queues, fails or cancels running jobs whose lease expired; returns what it changed. */
  List<Job> rescueExpired(int batch) {
    List<Job> rescued = tx.execute(status -> {
      List<Job> changed =
          jobs.rescueExpired(batch, settings.retryBackoff(), settings.retryBackoffMax(), settings.retention());
      for (Job job : changed) {
        if (job.status().terminal()) {
          announce(job);
        }
      }
      if (changed.stream().anyMatch(job -> job.status() == JobStatus.QUEUED)) {
        jobs.notify(JobNotifications.QUEUED);
      }
      return changed;
    });
    return rescued == null ? List.of() : rescued;
  }

  private Optional<Job> finishing(java.util.function.Supplier<Optional<Job>> change) {
    Optional<Job> result = tx.execute(status -> {
      Optional<Job> changed = change.get();
      changed.ifPresent(this::announce);
      return changed;
    });
    return result == null ? Optional.empty() : result;
  }

  /** Runs the finish listeners inside the current transaction. */
  void announce(Job job) {
    listeners.orderedStream().forEach(listener -> listener.jobFinished(job));
  }
}
