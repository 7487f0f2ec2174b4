package dev.walt.jobs;

import dev.walt.storage.ObjectStorage;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Retention ({@code walt.jobs.retention}): deletes the objects of finished jobs past their
 * {@code expires_at} and marks them {@code expired}; purges expired idempotency records.
 *
 * <p>Runs on every instance. Each batch locks its rows with {@code SKIP LOCKED} and keeps the locks
 * while it deletes the objects, so instances never work on the same job, and a job is marked expired
 * only once its objects are gone (a storage failure leaves it for the next round).
 */
@Component
class RetentionCleanup {

  private static final Logger log = LoggerFactory.getLogger(RetentionCleanup.class);

  private final JobRepository jobs;
  private final ObjectStorage storage;
  private final JdbcClient jdbc;
  private final TransactionOperations tx;
  private final JobsSettings settings;

  RetentionCleanup(
      JobRepository jobs, ObjectStorage storage, JdbcClient jdbc, TransactionOperations tx, JobsSettings settings) {
    this.jobs = jobs;
    this.storage = storage;
    this.jdbc = jdbc;
    this.tx = tx;
    this.settings = settings;
  }

  /** One round: expires jobs batch by batch until none is due; returns how many it expired. */
  int run() {
    int total = 0;
    while (true) {
      Batch batch = tx.execute(status -> expireBatch());
      if (batch == null) {
        break;
      }
      total += batch.expired();
      // a partial batch means nothing more is due; a failed deletion waits for the next round
      if (batch.locked() < settings.cleanupBatchSize() || batch.expired() < batch.locked()) {
        break;
      }
    }
    int purged = purgeIdempotencyKeys();
    if (total > 0 || purged > 0) {
      log.info("retention: {} jobs expired, {} idempotency records purged", total, purged);
    }
    return total;
  }

  private record Batch(int locked, int expired) {}

  private Batch expireBatch() {
    List<Job> due = jobs.lockExpired(settings.cleanupBatchSize());
    int expired = 0;
    for (Job job : due) {
      try {
        JobObjects.deleteAll(storage, job);
      } catch (RuntimeException e) {
        log.warn("retention: cannot delete the objects of job {} ({}); will retry", job.id(), e.toString());
        continue;
      }
      if (jobs.markExpired(job.id())) {
        expired++;
      }
    }
    return new Batch(due.size(), expired);
  }

  /**
   * Idempotency records past their expiry (the API sets {@code expires_at} when it stores them).
   * Deleted in bounded batches so that a large backlog never holds long locks.
   */
  private int purgeIdempotencyKeys() {
    int total = 0;
    int n;
    do {
      n = jdbc.sql(
              """
              DELETE FROM idempotency_keys
              WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE expires_at <= now() LIMIT :batch)
              """)
          .param("batch", settings.cleanupBatchSize())
          .update();
      total += n;
    } while (n == settings.cleanupBatchSize());
    return total;
  }
}
