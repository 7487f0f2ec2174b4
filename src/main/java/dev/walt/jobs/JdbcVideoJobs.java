package dev.walt.jobs;

import dev.walt.storage.ObjectStorage;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionOperations;

/** {@link VideoJobs} on PostgreSQL: the API side of {@code video_jobs}. */
@Service
public class JdbcVideoJobs implements VideoJobs {

  private static final Logger log = LoggerFactory.getLogger(JdbcVideoJobs.class);

  private final JobRepository jobs;
  private final JobQueue queue;
  private final ObjectStorage storage;
  private final TransactionOperations tx;
  private final JobsSettings settings;

  JdbcVideoJobs(
      JobRepository jobs, JobQueue queue, ObjectStorage storage, TransactionOperations tx, JobsSettings settings) {
    this.jobs = jobs;
    this.queue = queue;
    this.storage = storage;
    this.tx = tx;
    this.settings = settings;
  }

  @Override
  public Job create(UUID jobId, NewJob request) {
    // one statement; idle workers are signalled after the commit (QueuedSignal): they hear of the job only once
    // it is committed and claimable
    return jobs.insert(jobId, request, settings.maxAttempts());
  }

  @Override
  public Admission createIfFewerActive(UUID jobId, NewJob request, int activeBelow, int countUpTo) {
    return jobs.insertIfFewerActive(jobId, request, settings.maxAttempts(), activeBelow, countUpTo,
        settings.queuePositionLimit());
  }

  @Override
  public Admission createInOneSlot(UUID jobId, NewJob request, CreationSlot slot, long createdBefore, long room) {
    return jobs.insertInOneSlot(jobId, request, settings.maxAttempts(), slot, createdBefore, room,
        settings.queuePositionLimit());
  }

  @Override
  public Optional<Job> find(UUID tenantId, UUID jobId) {
    return jobs.find(tenantId, jobId);
  }

  @Override
  public Optional<Positioned> findWithQueuePosition(UUID tenantId, UUID jobId) {
    return jobs.findWithQueuePosition(tenantId, jobId, settings.queuePositionLimit());
  }

  @Override
  public List<Job> list(UUID tenantId, @Nullable JobStatus status, @Nullable UUID after, int limit) {
    return jobs.list(tenantId, status, after, Math.max(1, limit));
  }

  @Override
  public Optional<Job> cancel(UUID tenantId, UUID jobId) {
    Optional<Job> result = tx.execute(status -> {
      Optional<Job> cancelled = jobs.cancelQueued(tenantId, jobId, settings.retention());
      if (cancelled.isPresent()) {
        queue.announce(cancelled.get());
        return cancelled;
      }
      // not queued (any more): if it runs, flag it; the NOTIFY reaches its worker at once, the next
      // heartbeat or progress write would tell it anyway
      Optional<Job> flagged = jobs.requestCancel(tenantId, jobId);
      if (flagged.isPresent()) {
        jobs.notify(JobNotifications.cancel(jobId));
        return flagged;
      }
      return jobs.find(tenantId, jobId);
    });
    return result == null ? Optional.empty() : result;
  }

  @Override
  public boolean delete(UUID tenantId, UUID jobId) {
    Optional<Job> deleted = tx.execute(status -> {
      Optional<Job> row = jobs.delete(tenantId, jobId);
      // a running job is stopped first: its worker hears the cancel, and all its later writes (guarded)
      // find no row; it then removes what it uploaded itself
      row.filter(job -> job.status() == JobStatus.IN_PROGRESS)
          .ifPresent(job -> jobs.notify(JobNotifications.cancel(jobId)));
      return row;
    });
    if (deleted == null || deleted.isEmpty()) {
      return false;
    }
    // the objects go after the commit: a failure here leaves orphans in the bucket, never a job
    // pointing at missing objects
    Job job = deleted.get();
    try {
      JobObjects.deleteAll(storage, job);
    } catch (RuntimeException e) {
      log.warn("job {} deleted, but removing its objects failed: {}", jobId, e.toString());
    }
    return true;
  }

  @Override
  public long queuePosition(Job job) {
    if (job.status() != JobStatus.QUEUED) {
      return -1;
    }
    return jobs.queuePosition(job.id(), settings.queuePositionLimit());
  }

  @Override
  public int activeJobs(UUID apiKeyId) {
    return jobs.activeJobs(apiKeyId);
  }
}
