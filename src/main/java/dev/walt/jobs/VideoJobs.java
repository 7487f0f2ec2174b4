package dev.walt.jobs;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What the API does with jobs. Every lookup is scoped by tenant: a job of another tenant does not
 * exist for the caller.
 */
public interface VideoJobs {

  /** Inserts a queued job and wakes idle workers (NOTIFY after commit). */
  Job create(UUID jobId, NewJob request);

  /**
   * What {@link #createIfFewerActive} did.
   *
   * @param job the new job; empty when the key had too many active jobs
   * @param activeJobs the key's queued and running jobs before this one, as counted (at most the
   *     bound the caller gave)
   * @param queuePosition the new job's {@link #queuePosition}, counted by the same statement (-1
   *     when it was not created)
   */
  record Admission(Optional<Job> job, int activeJobs, long queuePosition) {}

  /**
   * Inserts a queued job and wakes idle workers, in one statement, only if the job's API key has fewer
   * than {@code activeBelow} queued or running jobs; the count is part of that statement (so it sees
   * everything committed before the caller's earlier locks were granted) and stops at
   * {@code countUpTo}; the same statement also counts the new job's queue position. Joins the
   * caller's transaction.
   */
  Admission createIfFewerActive(UUID jobId, NewJob request, int activeBelow, int countUpTo);

  /**
   * Inserts a queued job and wakes idle workers, in one statement that first takes a creation slot of the
   * job's API key ({@code slot}) and then reads how many jobs have been inserted so far
   * ({@code video_jobs_created_seq}), and inserts only if at most {@code room} were inserted since
   * {@code createdBefore} (the bound of {@code dev.walt.api.ActiveJobBound}); it does not count the key's
   * jobs. Called outside a transaction, the statement is its own transaction: slot, insert and commit in
   * one round trip.
   *
   * @return the new job and its queue position; no job (and -1) when the bound left no room
   */
  Admission createInOneSlot(UUID jobId, NewJob request, CreationSlot slot, long createdBefore, long room);

  Optional<Job> find(UUID tenantId, UUID jobId);

  /** A job and its {@link #queuePosition} (-1 when not queued). */
  record Positioned(Job job, long queuePosition) {}

  /** {@link #find} and {@link #queuePosition} together, in one statement. */
  Optional<Positioned> findWithQueuePosition(UUID tenantId, UUID jobId);

  /**
   * A page of the tenant's jobs, newest first.
   *
   * @param after the id of the last job of the previous page (the cursor), or null for the first page
   */
  List<Job> list(UUID tenantId, @Nullable JobStatus status, @Nullable UUID after, int limit);

  /**
   * Cancels a queued job at once; asks a running one to stop at its next step. A finished job is
   * returned unchanged.
   */
  Optional<Job> cancel(UUID tenantId, UUID jobId);

  /** Removes the job and its stored objects; false when there is no such job for the tenant. */
  boolean delete(UUID tenantId, UUID jobId);

  /**
   * Number of queued jobs that will be claimed before this one (0 = next), counted up to
   * {@code walt.jobs.queue-position-limit} (that value then means "this many or more"), or -1 when not
   * queued.
   */
  long queuePosition(Job job);

  /** Queued and running jobs created with the given API key (for the per-key active-job limit). */
  int activeJobs(UUID apiKeyId);
}
