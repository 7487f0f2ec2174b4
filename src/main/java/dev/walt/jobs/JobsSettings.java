package dev.walt.jobs;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The job lifecycle: retries, rescue of expired leases and retention ({@code walt.jobs.*}).
 *
 * @param retention how long finished jobs keep their outputs and records (completed, failed and
 *     cancelled alike) before the cleanup deletes the objects and marks the job {@code expired};
 *     default {@code 24h}
 * @param maxAttempts how many times a job is started before it fails for good (stored on each job at
 *     creation, so that the API nodes and the workers agree); default {@code 3}
 * @param retryBackoff the delay before the second attempt; it doubles with every further attempt;
 *     default {@code 10s}
 * @param retryBackoffMax the longest delay between two attempts; default {@code 10m}
 * @param rescueInterval how often every instance looks for running jobs whose lease expired; default
 *     {@code 5s}
 * @param cleanupInterval how often every instance looks for expired jobs and idempotency records;
 *     default {@code 1m}
 * @param cleanupBatchSize how many expired jobs one cleanup transaction handles; default {@code 100}
 * @param queuePositionLimit the highest {@code queue_position} the API reports: it counts the queued
 *     jobs ahead of a job up to this many (the cost of a read is bounded by it, however deep the
 *     queue), and this value means "this many or more"; default {@code 100}
 * @param queuePositionHorizonTtl how long an instance reuses the claim-order key of the job that has
 *     {@code queuePositionLimit} queued jobs ahead: jobs behind it are reported at the limit without
 *     counting (a read or create in a deep queue then costs one index lookup, not the limit's); another
 *     instance's claims are seen within this time, this instance's at once; {@code 0} counts every
 *     position; default {@code 250ms}
 */
@ConfigurationProperties("walt.jobs")
@Validated
public record JobsSettings(
    @DefaultValue("24h") Duration retention,
    @DefaultValue("3") @Min(1) @Max(100) int maxAttempts,
    @DefaultValue("10s") Duration retryBackoff,
    @DefaultValue("10m") Duration retryBackoffMax,
    @DefaultValue("5s") Duration rescueInterval,
    @DefaultValue("1m") Duration cleanupInterval,
    @DefaultValue("100") @Min(1) @Max(10_000) int cleanupBatchSize,
    @DefaultValue("100") @Min(1) @Max(1_000_000) int queuePositionLimit,
    @DefaultValue("250ms") Duration queuePositionHorizonTtl) {

  /** The settings with every default, for code that runs outside a Spring context (tests, tools). */
  public static JobsSettings defaults() {
    return new JobsSettings(
        Duration.ofHours(24), 3, Duration.ofSeconds(10), Duration.ofMinutes(10),
        Duration.ofSeconds(5), Duration.ofMinutes(1), 100, 100, Duration.ofMillis(250));
  }

  /** The delay before the attempt after {@code failedAttempt}: doubling from the base, capped. */
  public Duration backoffAfter(int failedAttempt) {
    int doublings = Math.max(0, Math.min(failedAttempt - 1, 30));
    long millis = retryBackoff.toMillis() << doublings;
    if (millis < 0 || millis > retryBackoffMax.toMillis()) {
      millis = retryBackoffMax.toMillis();
    }
    return Duration.ofMillis(millis);
  }
}
