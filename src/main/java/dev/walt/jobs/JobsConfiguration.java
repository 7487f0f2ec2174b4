package dev.walt.jobs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/**
 * The periodic work of the job lifecycle, on every instance: the lease rescuer
 * ({@code walt.jobs.rescue-interval}) and the retention cleanup ({@code walt.jobs.cleanup-interval}).
 * Both are safe to run on many instances at once.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class JobsConfiguration implements SchedulingConfigurer {

  private static final Logger log = LoggerFactory.getLogger(JobsConfiguration.class);

  private final JobsSettings settings;
  private final LeaseRescuer rescuer;
  private final RetentionCleanup cleanup;

  JobsConfiguration(JobsSettings settings, LeaseRescuer rescuer, RetentionCleanup cleanup) {
    this.settings = settings;
    this.rescuer = rescuer;
    this.cleanup = cleanup;
  }

  @Override
  public void configureTasks(ScheduledTaskRegistrar registrar) {
    registrar.addFixedDelayTask(() -> guarded("lease rescue", rescuer::rescue), settings.rescueInterval());
    registrar.addFixedDelayTask(() -> guarded("retention cleanup", cleanup::run), settings.cleanupInterval());
  }

  /** A failed round (the database is down) is logged and tried again at the next interval. */
  static void guarded(String what, Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.warn("{} failed: {}", what, e.toString());
    }
  }
}
