package dev.walt.jobs;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * {@code walt.jobs.finished{status}}: jobs that reached completed, failed or cancelled on this
 * instance (by a worker, the rescuer or an API cancel), counted once the change committed. Tagged by
 * status only; job ids go to the logs, never into metrics.
 */
@Component
class JobMetrics implements JobFinishedListener {

  private final MeterRegistry meters;

  JobMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  @Override
  public void jobFinished(Job job) {
    String status = job.status().wire();
    AfterCommit.run(() -> count(status));
  }

  private void count(String status) {
    meters.counter("walt.jobs.finished", "status", status).increment();
  }
}
