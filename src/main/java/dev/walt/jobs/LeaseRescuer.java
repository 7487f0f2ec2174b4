package dev.walt.jobs;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Finds running jobs whose lease expired (their worker died, hangs, or lost the database) and
 * re-queues them with backoff, or fails them after their last attempt. Runs on every instance
 * ({@code walt.jobs.rescue-interval}); the claim of expired rows skips rows another instance holds.
 */
@Component
class LeaseRescuer {

  private static final Logger log = LoggerFactory.getLogger(LeaseRescuer.class);
  private static final int BATCH = 100;

  private final JobQueue queue;

  LeaseRescuer(JobQueue queue) {
    this.queue = queue;
  }

  /** One round: rescues batches until none is left; returns how many jobs it changed. */
  int rescue() {
    int total = 0;
    List<Job> rescued;
    do {
      rescued = queue.rescueExpired(BATCH);
      for (Job job : rescued) {
        log.warn("job {} lost its lease on attempt {} of {}: now {}",
            job.id(), job.attempt(), job.maxAttempts(), job.status().wire());
      }
      total += rescued.size();
    } while (rescued.size() == BATCH);
    return total;
  }
}
