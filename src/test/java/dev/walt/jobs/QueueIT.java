package dev.walt.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walt.testing.WaltIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The queue's statements against a real PostgreSQL, no worker running: the bounded queue position,
 * and the batched claim and guarded completion with their finish listeners.
 */
@WaltIntegrationTest(properties = {"walt.worker.enabled=false", "walt.jobs.queue-position-limit=3"})
class QueueIT {

  @Autowired VideoJobs jobs;
  @Autowired JobQueue queue;
  @Autowired JdbcClient jdbc;

  JobFixtures.Tenant tenant;

  @BeforeEach
  void emptyQueue() {
    jdbc.sql("TRUNCATE video_jobs, webhook_deliveries CASCADE").update();
    tenant = JobFixtures.tenant(jdbc, null);
  }

  @Test
  void theQueuePositionIsExactUpToItsLimitAndThenStaysThere() {
    List<Job> queued = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      queued.add(jobs.create(UUID.randomUUID(), tenant.job("position " + i)));
    }
    assertThat(queued.stream().map(jobs::queuePosition)).containsExactly(0L, 1L, 2L, 3L, 3L, 3L);
    jobs.cancel(tenant.tenantId(), queued.get(0).id());
    jobs.cancel(tenant.tenantId(), queued.get(1).id());
    assertThat(jobs.queuePosition(queued.get(3))).isEqualTo(1);
    assertThat(jobs.queuePosition(queued.get(5))).isEqualTo(3);
    assertThat(jobs.queuePosition(jobs.find(tenant.tenantId(), queued.get(0).id()).orElseThrow())).isEqualTo(-1);
  }

  @Test
  void aJobIsReadWithItsQueuePositionInOneStatement() {
    List<Job> queued = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      queued.add(jobs.create(UUID.randomUUID(), tenant.job("read " + i)));
    }
    for (Job job : queued) {
      VideoJobs.Positioned read = jobs.findWithQueuePosition(tenant.tenantId(), job.id()).orElseThrow();
      assertThat(read.job()).isEqualTo(jobs.find(tenant.tenantId(), job.id()).orElseThrow());
      assertThat(read.queuePosition()).isEqualTo(jobs.queuePosition(job));
    }
    assertThat(jobs.findWithQueuePosition(tenant.tenantId(), queued.get(4).id()).orElseThrow().queuePosition()).isEqualTo(3);
    Job cancelled = jobs.cancel(tenant.tenantId(), queued.get(0).id()).orElseThrow();
    VideoJobs.Positioned read = jobs.findWithQueuePosition(tenant.tenantId(), cancelled.id()).orElseThrow();
    assertThat(read.job().status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(read.queuePosition()).isEqualTo(-1);
    assertThat(jobs.findWithQueuePosition(tenant.tenantId(), queued.get(1).id()).orElseThrow().queuePosition()).isZero();
    // another tenant does not see it
    assertThat(jobs.findWithQueuePosition(UUID.randomUUID(), queued.get(1).id())).isEmpty();
  }
}
