package dev.walt.worker;

import dev.walt.jobs.JobQueue;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;

/**
 * The {@link GenerationContext} of one attempt: progress is written at most once per throttle
 * interval (guarded by the attempt), and each write refreshes the cancel flag for free;
 * {@link #cancelled()} only reads flags.
 */
final class JobGenerationContext implements GenerationContext {

  private static final Logger log = LoggerFactory.getLogger(JobGenerationContext.class);

  private final RunningJob running;
  private final JobQueue queue;
  private final long throttleNanos;
  private long lastWrite;
  private int lastPercent = -1;

  JobGenerationContext(RunningJob running, JobQueue queue, Duration throttle) {
    this.running = running;
    this.queue = queue;
    this.throttleNanos = throttle.toNanos();
    this.lastWrite = System.nanoTime() - throttleNanos;
  }

  @Override
  public void progress(int percent, String stage) {
    int clamped = Math.max(0, Math.min(99, percent)); // 100 only with the finished result
    long now = System.nanoTime();
    if (now - lastWrite < throttleNanos || clamped == lastPercent) {
      return;
    }
    write(clamped, stage, now);
  }

  /** Writes now, whatever the throttle says (stage changes the worker itself reports). */
  void stage(int percent, String stage) {
    write(Math.max(0, Math.min(99, percent)), stage, System.nanoTime());
  }

  private void write(int percent, String stage, long now) {
    lastWrite = now;
    lastPercent = percent;
    try {
      running.observe(queue.progress(running.job.id(), running.job.attempt(), percent, stage));
    } catch (DataAccessException e) {
      // progress is best effort; the heartbeat decides whether the job is still ours
      log.debug("progress of job {} not written: {}", running.job.id(), e.toString());
    }
  }

  @Override
  public boolean cancelled() {
    return running.shouldStop();
  }
}
