package dev.walt.worker.walt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walt.worker.JobsTestApp;
import dev.walt.worker.TestGenerator;
import dev.walt.worker.VideoGeneratorFactory;
import dev.walt.worker.WorkerPool;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The {@code workers} readiness indicator against a real database and bucket: OUT_OF_SERVICE while the worker
 * loads and warms up, UP once it is ready; OUT_OF_SERVICE with the reason (and no generator at all) when the
 * configured model has no weights and random-init is off; UP on API-only instances.
 */
class WorkersReadinessIT {

  @Test
  void outOfServiceUntilAWorkerHasWarmedUpThenUp() throws Exception {
    CountDownLatch warmingUp = new CountDownLatch(1);
    CountDownLatch warmedUp = new CountDownLatch(1);
    VideoGeneratorFactory slow = index -> {
      warmingUp.countDown();
      assertThat(warmedUp.await(60, TimeUnit.SECONDS)).isTrue();
      return new TestGenerator();
    };
    try (ConfigurableApplicationContext app = JobsTestApp.start(JobsTestApp.services(), slow,
        "walt.worker.threads=1", "walt.model.path=" + SmallModel.folder())) {
      HealthIndicator workers = app.getBean("workersHealthIndicator", HealthIndicator.class);
      assertThat(warmingUp.await(30, TimeUnit.SECONDS)).isTrue();
      Health before = workers.health();
      assertThat(before.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
      assertThat(before.getDetails()).containsEntry("ready", 0).containsEntry("workers", 1);

      warmedUp.countDown();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (workers.health().getStatus() != Status.UP && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(workers.health().getStatus()).isEqualTo(Status.UP);
      assertThat(workers.health().getDetails()).containsEntry("ready", 1);
    }
  }

  @Test
  void aModelWithoutWeightsGivesNoGeneratorAndReadinessOutOfServiceWithTheReason() {
    // SmallModel's folder holds only config.json
    try (ConfigurableApplicationContext app = JobsTestApp.start(JobsTestApp.services(), null,
        "walt.model.path=" + SmallModel.folder())) {
      assertThat(app.getBeanNamesForType(VideoGeneratorFactory.class)).isEmpty();
      assertThat(app.getBean(WorkerPool.class).workers()).isZero();
      Health health = app.getBean("workersHealthIndicator", HealthIndicator.class).health();
      assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
      assertThat((String) health.getDetails().get("reason"))
          .contains("walt-small-test").contains("no trained weights").contains("vae.safetensors");
    }
  }

  @Test
  void upOnAnApiOnlyInstance() {
    try (ConfigurableApplicationContext app = JobsTestApp.start(JobsTestApp.services(), null,
        "walt.worker.enabled=false", "walt.model.path=" + SmallModel.folder())) {
      assertThat(app.getBean("workersHealthIndicator", HealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
    }
  }
}
