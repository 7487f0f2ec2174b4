package dev.walt.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.walt.jobs.Job;
import dev.walt.jobs.JobFixtures;
import dev.walt.jobs.JobStatus;
import dev.walt.jobs.NewJob;
import dev.walt.jobs.VideoJobs;
import dev.walt.storage.ObjectStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Two instances (two Spring contexts, each with its own DataSource, listener and four workers) drain
 * 500 jobs from one database: every job completes exactly once, none is lost.
 *
 * <p>Delivery is at least once: should the machine stall longer than a lease (a shared CI box can),
 * the rescuer hands a job to another worker and it is generated twice. What must hold regardless is
 * that exactly one finishing write per job succeeds and only that attempt's objects remain.
 */
class WorkerConcurrencyIT {

  private static final Logger log = LoggerFactory.getLogger(WorkerConcurrencyIT.class);
  private static final int JOBS = 500;

  @Test
  void twoInstancesDrainFiveHundredJobsAndEachCompletesExactlyOnce() {
    Map<String, String> services = JobsTestApp.services();
    try (ConfigurableApplicationContext a = JobsTestApp.start(services, TestGenerator.factory(),
            "walt.worker.threads=4", "walt.worker.lease-duration=30s");
        ConfigurableApplicationContext b = JobsTestApp.start(services, TestGenerator.factory(),
            "walt.worker.threads=4", "walt.worker.lease-duration=30s")) {
      VideoJobs jobs = a.getBean(VideoJobs.class);
      JdbcClient jdbc = a.getBean(JdbcClient.class);
      JobFixtures.Tenant tenant = JobFixtures.tenant(jdbc, null);
      List<UUID> ids = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < JOBS; i++) {
        NewJob base = tenant.job("noop");
        // one tiny frame: the test is about the queue, not the encoder
        NewJob tiny = new NewJob(base.tenantId(), base.apiKeyId(), "noop", null, 1, 16, 16, 8, i, 1, 0f, null,
            null, Map.of());
        // created through both instances, like two API replicas
        VideoJobs via = i % 2 == 0 ? jobs : b.getBean(VideoJobs.class);
        ids.add(via.create(UUID.randomUUID(), tiny).id());
      }

      await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).until(() -> jdbc.sql(
          "SELECT count(*) FROM video_jobs WHERE status = 'completed' AND tenant_id = :t")
          .param("t", tenant.tenantId()).query(Integer.class).single() == JOBS);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      log.info("{} jobs drained by 2 instances x 4 workers in {} ms", JOBS, took.toMillis());

      // the database: every job completed, its keys those of the attempt that finished it
      List<Job> all = new ArrayList<>();
      UUID after = null;
      List<Job> page;
      do {
        page = jobs.list(tenant.tenantId(), null, after, 100);
        all.addAll(page);
        after = page.isEmpty() ? null : page.get(page.size() - 1).id();
      } while (page.size() == 100);
      assertThat(all).hasSize(JOBS);
      assertThat(all).extracting(Job::id).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(all).allSatisfy(job -> {
        assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(job.attempt()).isPositive();
        assertThat(job.videoKey()).isEqualTo("videos/" + job.id() + "/" + job.attempt() + "/video.mp4");
      });
      // the finish listeners (run in the transaction of each successful finishing UPDATE, counted
      // after its commit): exactly one per job; the generators: at least one run per job, and one more
      // only for a job whose lease was lost
      int rerun = 0;
      for (UUID id : ids) {
        assertThat(JobsTestApp.FINISHES.get(id)).as("finishes of %s", id).hasValue(1);
        int runs = TestGenerator.RUNS.get(id).get();
        assertThat(runs).as("generations of %s", id).isPositive();
        if (runs > 1) {
          rerun++;
        }
      }
      long rescued = all.stream().filter(job -> job.attempt() > 1).count();
      log.info("{} jobs were generated more than once, {} finished on a later attempt", rerun, rescued);
      // a second generation only ever happens after a lost lease, which moves the job to a later attempt
      assertThat((long) rerun).isLessThanOrEqualTo(rescued);
      // both instances took part
      Set<String> instances = new HashSet<>();
      jdbc.sql("SELECT DISTINCT worker_id FROM video_jobs WHERE tenant_id = :t").param("t", tenant.tenantId())
          .query(String.class).list().forEach(w -> instances.add(w.substring(0, w.lastIndexOf('/'))));
      assertThat(instances).hasSize(2);
      // the bucket: three objects per job, nothing else (stale attempts removed what they uploaded)
      ObjectStorage storage = a.getBean(ObjectStorage.class);
      assertThat(storage.list("videos/")).hasSize(3 * JOBS);
    }
  }
}
