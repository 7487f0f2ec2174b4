package dev.walt.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walt.jobs.Job;
import dev.walt.jobs.JobFixtures;
import dev.walt.jobs.JobNotifications;
import dev.walt.jobs.JobStatus;
import dev.walt.jobs.VideoJobs;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Without a {@link VideoGeneratorFactory} bean (the W.A.L.T one needs a model folder with weights)
 * the application still starts and accepts jobs, but runs none: no worker thread, no LISTEN
 * connection; the jobs wait in the queue for an instance that has a generator.
 */
class WorkerPoolWithoutGeneratorIT {

  @Test
  void theApplicationStartsAndQueuesJobsButRunsNone() throws Exception {
    // a model folder without weights: the W.A.L.T generator factory is not created
    try (ConfigurableApplicationContext app = JobsTestApp.start(JobsTestApp.services(), null,
        "walt.model.path=" + dev.walt.worker.walt.SmallModel.folder())) {
      assertThat(app.getBeanNamesForType(VideoGeneratorFactory.class)).isEmpty();
      VideoJobs jobs = app.getBean(VideoJobs.class);
      JobFixtures.Tenant tenant = JobFixtures.tenant(app.getBean(JdbcClient.class), null);

      Job created = jobs.create(UUID.randomUUID(), tenant.job("noop"));
      Thread.sleep(1500);

      Job later = jobs.find(tenant.tenantId(), created.id()).orElseThrow();
      assertThat(later.status()).isEqualTo(JobStatus.QUEUED);
      assertThat(later.attempt()).isZero();
      assertThat(jobs.queuePosition(later)).isZero();
      assertThat(app.getBean(WorkerPool.class).busy()).isZero();
      assertThat(app.getBean(JobNotifications.class).listening()).isFalse();
      // this pool started no worker (threads named walt-worker-* may belong to other cached test contexts)
      assertThat(app.getBean(WorkerPool.class).workers()).isZero();
    }
  }
}
