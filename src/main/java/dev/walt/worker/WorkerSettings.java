package dev.walt.worker;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The worker pool of this instance ({@code walt.worker.*}). The number of attempts per job is a job
 * setting ({@code walt.jobs.max-attempts}): it is stored on the job when the API creates it.
 *
 * @param enabled whether this instance runs workers at all (false on API-only replicas); default
 *     {@code true}
 * @param threads how many jobs this instance runs at once, one platform thread and one generator
 *     each (one per GPU, or CPU workers sized to the cores); default {@code 1}
 * @param leaseDuration how long a claim stays valid without a heartbeat; after that the rescuer may
 *     give the job to another worker; default {@code 60s}
 * @param heartbeatInterval how often a running job's lease is extended (well under the lease);
 *     default {@code 15s}
 * @param pollInterval how often an idle worker looks for work when no notification woke it; default
 *     {@code 5s}
 * @param drainGracePeriod on shutdown, how long a running job may take to finish before it is handed
 *     back to the queue (keep it under {@code spring.lifecycle.timeout-per-shutdown-phase}, 30s by
 *     default); default {@code 25s}
 * @param progressThrottle the shortest time between two progress writes of one job; default {@code 1s}
 * @param uploadRetryFor how long an output upload is retried (backoff from 250 ms, doubling, at most
 *     5 s apart) while the object store is unavailable, before the attempt fails; the job's lease is
 *     kept by its heartbeats meanwhile; default {@code 60s}
 */
@ConfigurationProperties("walt.worker")
@Validated
public record WorkerSettings(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("1") @Min(1) @Max(1024) int threads,
    @DefaultValue("60s") Duration leaseDuration,
    @DefaultValue("15s") Duration heartbeatInterval,
    @DefaultValue("5s") Duration pollInterval,
    @DefaultValue("25s") Duration drainGracePeriod,
    @DefaultValue("1s") Duration progressThrottle,
    @DefaultValue("60s") Duration uploadRetryFor) {

  /** The settings with every default, for code that runs outside a Spring context (tests, tools). */
  public static WorkerSettings defaults() {
    return new WorkerSettings(
        true, 1, Duration.ofSeconds(60), Duration.ofSeconds(15), Duration.ofSeconds(5),
        Duration.ofSeconds(25), Duration.ofSeconds(1), Duration.ofSeconds(60));
  }
}
