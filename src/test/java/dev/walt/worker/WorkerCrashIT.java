package dev.walt.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.walt.jobs.Job;
import dev.walt.jobs.JobFixtures;
import dev.walt.jobs.JobQueue;
import dev.walt.jobs.JobStatus;
import dev.walt.jobs.JobObjects;
import dev.walt.jobs.VideoJobs;
import dev.walt.storage.ObjectStorage;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A worker that hangs and stops heartbeating: its lease runs out, another instance's worker gets the
 * job and completes it; the hung worker's late finish is refused, changes nothing, and its uploads are
 * removed. Also the graceful drain: a job still running at the end of the grace period is handed back
 * without using up an attempt.
 */
class WorkerCrashIT {

  /** Puts through to S3, but holds selected keys' uploads (after writing them) until released. */
  private static final class GatedStorage implements ObjectStorage {
    private final ObjectStorage delegate;
    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();

    GatedStorage(ObjectStorage delegate) {
      this.delegate = delegate;
    }

    CountDownLatch gate(String key) {
      return gates.computeIfAbsent(key, k -> new CountDownLatch(1));
    }

    @Override
    public void put(String key, InputStream data, long size, String contentType) {
      delegate.put(key, data, size, contentType);
      CountDownLatch gate = gates.get(key);
      if (gate != null) {
        try {
          gate.await(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public byte[] get(String key) {
      return delegate.get(key);
    }

    @Override
    public void delete(String key) {
      delegate.delete(key);
    }

    @Override
    public InputStream open(String key) {
      return delegate.open(key);
    }

    @Override
    public boolean exists(String key) {
      return delegate.exists(key);
    }

    @Override
    public List<String> list(String prefix) {
      return delegate.list(prefix);
    }

    @Override
    public URI presignedGet(String key, Duration expiry) {
      return delegate.presignedGet(key, expiry);
    }

    @Override
    public URI presignedGet(String key) {
      return delegate.presignedGet(key);
    }

    @Override
    public String bucket() {
      return delegate.bucket();
    }
  }

  @Test
  void jobsWhoseWorkerStopsHeartbeatingAreRescuedAndTheStaleWorkerChangesNothing() throws Exception {
    Map<String, String> services = JobsTestApp.services();
    Map<String, GatedStorage> gatedHolder = new ConcurrentHashMap<>();
    // instance A: a lease of 1 s and a heartbeat it will never send in time (the "hung" workers)
    try (ConfigurableApplicationContext a = JobsTestApp.start(services, TestGenerator.factory(),
        delegate -> gatedHolder.computeIfAbsent("a", k -> new GatedStorage(delegate)),
        "walt.worker.threads=2", "walt.worker.lease-duration=1s", "walt.worker.heartbeat-interval=1h")) {
      VideoJobs jobs = a.getBean(VideoJobs.class);
      JdbcClient jdbc = a.getBean(JdbcClient.class);
      GatedStorage gated = gatedHolder.get("a");
      ObjectStorage storage = gated;
      JobFixtures.Tenant tenant = JobFixtures.tenant(jdbc, null);
      // X hangs inside the generator; Y hangs in the middle of uploading its result
      UUID y = UUID.randomUUID();
      CountDownLatch uploadGate = gated.gate(JobObjects.outputKey(y, 1, "video.mp4"));
      Job x = jobs.create(UUID.randomUUID(), tenant.job("block"));
      jobs.create(y, tenant.job("noop"));
      await().atMost(Duration.ofSeconds(10)).until(() -> TestGenerator.RUNS.containsKey(x.id())
          && storage.exists(JobObjects.outputKey(y, 1, "video.mp4")));
      assertThat(jobs.find(tenant.tenantId(), y).orElseThrow().attempt()).isEqualTo(1);

      // instance B: healthy; the rescuers re-queue both once A's leases ran out, B claims attempt 2
      try (ConfigurableApplicationContext b = JobsTestApp.start(services, TestGenerator.factory(),
          "walt.worker.threads=1")) {
        Job doneX = await().atMost(Duration.ofSeconds(20))
            .until(() -> jobs.find(tenant.tenantId(), x.id()).orElseThrow(), job -> job.status().terminal());
        Job doneY = await().atMost(Duration.ofSeconds(20))
            .until(() -> jobs.find(tenant.tenantId(), y).orElseThrow(), job -> job.status().terminal());
        for (Job done : List.of(doneX, doneY)) {
          assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
          assertThat(done.attempt()).isEqualTo(2);
          assertThat(done.videoKey()).isEqualTo(JobObjects.outputKey(done.id(), 2, "video.mp4"));
          assertThat(storage.exists(done.videoKey())).isTrue();
        }

        // the hung workers go on: X's generator learns at its first progress write that the job is no
        // longer its own and stops; Y's upload completes, its guarded finish is refused, and the objects
        // it uploaded are removed
        TestGenerator.release(x.id());
        uploadGate.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> a.getBean(WorkerPool.class).busy() == 0);

        assertThat(jobs.find(tenant.tenantId(), x.id()).orElseThrow()).isEqualTo(doneX);
        assertThat(jobs.find(tenant.tenantId(), y).orElseThrow()).isEqualTo(doneY);
        assertThat(TestGenerator.RUNS.get(x.id())).hasValue(2);
        assertThat(TestGenerator.RUNS.get(y)).hasValue(2);
        assertThat(JobsTestApp.FINISHES.get(x.id())).hasValue(1);
        assertThat(JobsTestApp.FINISHES.get(y)).hasValue(1);
        for (Job done : List.of(doneX, doneY)) {
          assertThat(storage.list(JobObjects.jobPrefix(done.id()) + "1/")).isEmpty();
          assertThat(storage.list(JobObjects.jobPrefix(done.id())))
              .containsExactlyInAnyOrder(done.videoKey(), done.thumbnailKey(), done.previewKey());
        }
        // and any other write of a stale attempt is refused too
        JobQueue queue = a.getBean(JobQueue.class);
        assertThat(queue.progress(y, 1, 50, "sampling")).isEmpty();
        assertThat(queue.heartbeat(y, 1, Duration.ofSeconds(60))).isEmpty();
        assertThat(queue.complete(y, 1, "v", "t", null)).isEmpty();
        assertThat(queue.cancelled(y, 1)).isEmpty();
        assertThat(queue.release(y, 1)).isFalse();
        assertThat(jobs.find(tenant.tenantId(), y).orElseThrow()).isEqualTo(doneY);
      }
    }
  }

  @Test
  void aJobThatOutlivesTheDrainGracePeriodIsHandedBackWithoutUsingAnAttempt() {
    Map<String, String> services = JobsTestApp.services();
    UUID jobId;
    JobFixtures.Tenant tenant;
    Job released;
    try (ConfigurableApplicationContext a = JobsTestApp.start(services, TestGenerator.factory(),
        "walt.worker.threads=1", "walt.worker.drain-grace-period=500ms")) {
      VideoJobs jobs = a.getBean(VideoJobs.class);
      tenant = JobFixtures.tenant(a.getBean(JdbcClient.class), null);
      jobId = jobs.create(UUID.randomUUID(), tenant.job("slow", 30, null)).id();
      await().atMost(Duration.ofSeconds(10)).until(() -> TestGenerator.STEPS.containsKey(jobId));

      a.getBean(WorkerPool.class).stop();

      released = jobs.find(tenant.tenantId(), jobId).orElseThrow();
    }
    assertThat(released.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(released.attempt()).isEqualTo(1);
    assertThat(released.maxAttempts()).isEqualTo(4); // the release gave the attempt back
    assertThat(released.progress()).isZero();
    assertThat(TestGenerator.STEPS.get(jobId).get()).isLessThan(30);

    // the next instance picks it up and finishes it
    try (ConfigurableApplicationContext b = JobsTestApp.start(services, TestGenerator.factory())) {
      VideoJobs jobs = b.getBean(VideoJobs.class);
      Job done = await().atMost(Duration.ofSeconds(40))
          .until(() -> jobs.find(tenant.tenantId(), jobId).orElseThrow(), job -> job.status().terminal());
      assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
      assertThat(done.attempt()).isEqualTo(2);
    }
  }
}
