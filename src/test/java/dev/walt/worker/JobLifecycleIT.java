package dev.walt.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.walt.jobs.Job;
import dev.walt.jobs.JobFixtures;
import dev.walt.jobs.JobNotifications;
import dev.walt.jobs.JobStatus;
import dev.walt.jobs.JobObjects;
import dev.walt.jobs.NewJob;
import dev.walt.jobs.VideoJobs;
import dev.walt.storage.ObjectStorage;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The life of a job on one instance with two workers, against real PostgreSQL and S3: progress,
 * publication, failure with retries, cancellation, deletion, queue positions, NOTIFY wake-up and
 * retention. The poll interval is 30 s, so every prompt pick-up here is the NOTIFY's doing.
 */
class JobLifecycleIT {

  private static ConfigurableApplicationContext app;
  private static ObjectStorage storage;
  private static VideoJobs jobs;
  private static JdbcClient jdbc;
  private static WorkerPool pool;
  private JobFixtures.Tenant tenant;

  @BeforeAll
  static void start() {
    app = JobsTestApp.start(JobsTestApp.services(), TestGenerator.factory());
    storage = app.getBean(ObjectStorage.class);
    jobs = app.getBean(VideoJobs.class);
    jdbc = app.getBean(JdbcClient.class);
    pool = app.getBean(WorkerPool.class);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @BeforeEach
  void tenant() {
    tenant = JobFixtures.tenant(jdbc, null);
    await().atMost(Duration.ofSeconds(30)).until(() -> pool.busy() == 0);
  }

  @Test
  void aJobRunsWithRisingProgressAndPublishesAVideoBehindAWorkingPresignedUrl() throws Exception {
    Job created = jobs.create(UUID.randomUUID(), tenant.job("slow", 10, null));
    assertThat(created.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(created.attempt()).isZero();

    List<Integer> seen = new CopyOnWriteArrayList<>();
    Job done = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
      Job now = jobs.find(tenant.tenantId(), created.id()).orElseThrow();
      if (now.status() == JobStatus.IN_PROGRESS) {
        seen.add(now.progress());
      }
      return now;
    }, job -> job.status().terminal());

    assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(done.progress()).isEqualTo(100);
    assertThat(done.attempt()).isEqualTo(1);
    assertThat(done.errorCode()).isNull();
    // progress rose through several values while running, never downwards
    assertThat(seen.stream().distinct().filter(p -> p > 0 && p < 100).count()).isGreaterThanOrEqualTo(3);
    for (int i = 1; i < seen.size(); i++) {
      assertThat(seen.get(i)).isGreaterThanOrEqualTo(seen.get(i - 1));
    }
    // keys derive from job id and attempt; the finishing write set the expiry (24 h by default)
    assertThat(done.videoKey()).isEqualTo("videos/" + created.id() + "/1/video.mp4");
    assertThat(done.thumbnailKey()).isEqualTo("videos/" + created.id() + "/1/thumbnail.jpg");
    assertThat(done.finishedAt()).isNotNull();
    assertThat(done.expiresAt()).isNotNull();
    assertThat(Duration.between(done.finishedAt(), done.expiresAt())).isEqualTo(Duration.ofHours(24));
    assertThat(storage.exists(done.videoKey())).isTrue();
    assertThat(storage.exists(done.thumbnailKey())).isTrue();
    assertThat(done.previewKey()).isEqualTo("videos/" + created.id() + "/1/preview.webm");
    assertThat(storage.exists(done.previewKey())).isTrue();

    HttpResponse<byte[]> video = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(storage.presignedGet(done.videoKey())).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(video.statusCode()).isEqualTo(200);
    assertThat(new String(video.body(), 4, 4, StandardCharsets.US_ASCII)).isEqualTo("ftyp");
    finishedOnce(created.id());
    // the generator was told that the job ended (it gives back native memory there)
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(TestGenerator.AFTER_JOB.get(created.id())).hasValue(1));

    // metrics: counted by status and stage, never by job
    MeterRegistry meters = app.getBean(MeterRegistry.class);
    assertThat(meters.get("walt.jobs.finished").tag("status", "completed").counter().count()).isPositive();
    assertThat(meters.get("walt.worker.attempts").tag("status", "completed").counter().count()).isPositive();
    assertThat(meters.get("walt.worker.stage").tag("stage", "generate").timer().count()).isPositive();
    assertThat(meters.getMeters()).filteredOn(m -> m.getId().getName().startsWith("walt."))
        .allSatisfy(m -> assertThat(m.getId().getTags()).allSatisfy(
            tag -> assertThat(tag.getKey()).isIn("status", "stage")));
  }

  @Test
  void aFailingJobIsRetriedWithGrowingBackoffThenFailsWithTheReason() {
    Job created = jobs.create(UUID.randomUUID(), tenant.job("fail"));

    Job failed = await().atMost(Duration.ofSeconds(20))
        .until(() -> jobs.find(tenant.tenantId(), created.id()).orElseThrow(), job -> job.status().terminal());

    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    assertThat(failed.attempt()).isEqualTo(3);
    assertThat(failed.errorCode()).isEqualTo("generation_failed");
    assertThat(failed.errorMessage()).isEqualTo("synthetic failure on attempt 3");
    assertThat(failed.videoKey()).isNull();
    assertThat(TestGenerator.RUNS.get(created.id())).hasValue(3);
    // backoff 100 ms after attempt 1, 200 ms after attempt 2 (walt.jobs.retry-backoff=100ms)
    List<Long> starts = TestGenerator.STARTS.get(created.id());
    assertThat(Duration.ofNanos(starts.get(1) - starts.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(100));
    assertThat(Duration.ofNanos(starts.get(2) - starts.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    finishedOnce(created.id());
    // after every attempt, failed ones too
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(TestGenerator.AFTER_JOB.get(created.id())).hasValue(3));
  }

  @Test
  void aQueuedJobIsCancelledAtOnceAndQueuePositionsFollowTheClaimOrder() {
    // both workers hang on attempt 1 of a blocking job; what comes next waits in the queue
    Job blockerA = jobs.create(UUID.randomUUID(), tenant.job("block noop"));
    Job blockerB = jobs.create(UUID.randomUUID(), tenant.job("block noop"));
    await().atMost(Duration.ofSeconds(10)).until(() -> pool.busy() == 2);
    try {
      Job first = jobs.create(UUID.randomUUID(), tenant.job("noop"));
      Job second = jobs.create(UUID.randomUUID(), tenant.job("noop"));
      Job third = jobs.create(UUID.randomUUID(), tenant.job("noop"));
      assertThat(jobs.queuePosition(first)).isZero();
      assertThat(jobs.queuePosition(second)).isEqualTo(1);
      assertThat(jobs.queuePosition(third)).isEqualTo(2);
      assertThat(jobs.activeJobs(tenant.apiKeyId())).isEqualTo(5);

      Job cancelled = jobs.cancel(tenant.tenantId(), second.id()).orElseThrow();

      assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
      assertThat(cancelled.finishedAt()).isNotNull();
      assertThat(jobs.queuePosition(cancelled)).isEqualTo(-1);
      assertThat(jobs.queuePosition(jobs.find(tenant.tenantId(), third.id()).orElseThrow())).isEqualTo(1);
      // cancelling again changes nothing; another tenant does not see the job at all
      assertThat(jobs.cancel(tenant.tenantId(), second.id())).contains(cancelled);
      assertThat(jobs.cancel(UUID.randomUUID(), second.id())).isEmpty();
    } finally {
      TestGenerator.release(blockerA.id());
      TestGenerator.release(blockerB.id());
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> jobs.activeJobs(tenant.apiKeyId()) == 0);
    List<Job> all = jobs.list(tenant.tenantId(), null, null, 10);
    assertThat(all).hasSize(5);
    assertThat(all.stream().filter(j -> j.status() == JobStatus.CANCELLED)).hasSize(1);
    assertThat(all.stream().filter(j -> j.status() == JobStatus.COMPLETED)).hasSize(4);
    Job second = all.stream().filter(j -> j.status() == JobStatus.CANCELLED).findFirst().orElseThrow();
    assertThat(TestGenerator.RUNS.get(second.id())).isNull();
  }

  @Test
  void aRunningJobStopsWithinOneStepOfTheCancel() {
    Job created = jobs.create(UUID.randomUUID(), tenant.job("slow", 40, null));
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      Job now = jobs.find(tenant.tenantId(), created.id()).orElseThrow();
      return now.status() == JobStatus.IN_PROGRESS && now.progress() > 0;
    });

    Job flagged = jobs.cancel(tenant.tenantId(), created.id()).orElseThrow();
    long cancelledAt = System.nanoTime();
    int stepsAtCancel = TestGenerator.STEPS.get(created.id()).get();
    assertThat(flagged.status()).isEqualTo(JobStatus.IN_PROGRESS);
    assertThat(flagged.cancelRequested()).isTrue();

    Job cancelled = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
        .until(() -> jobs.find(tenant.tenantId(), created.id()).orElseThrow(), job -> job.status().terminal());
    Duration took = Duration.ofNanos(System.nanoTime() - cancelledAt);

    assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
    // one step is 150 ms: the NOTIFY reaches the worker during the step it is in, and the next check stops it
    assertThat(TestGenerator.STEPS.get(created.id()).get() - stepsAtCancel).isLessThanOrEqualTo(1);
    assertThat(took).isLessThan(Duration.ofMillis(1000));
    assertThat(cancelled.videoKey()).isNull();
    assertThat(storage.list(JobObjects.jobPrefix(created.id()))).isEmpty();
    finishedOnce(created.id());
  }

  @Test
  void anIdleWorkerIsWokenByNotifyFarSoonerThanThePollInterval() {
    // the workers wait with a 30 s poll interval; only the NOTIFY can wake them this soon
    Job created = jobs.create(UUID.randomUUID(), tenant.job("noop"));
    Job done = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
        .until(() -> jobs.find(tenant.tenantId(), created.id()).orElseThrow(), job -> job.startedAt() != null);
    // both times come from the database clock
    Duration pickUp = Duration.between(done.createdAt(), done.startedAt());
    assertThat(pickUp).isLessThan(Duration.ofMillis(500));
  }

  @Test
  void theListenerReconnectsAfterItsConnectionIsKilledAndNotifyWorksAgain() {
    JobNotifications notifications = app.getBean(JobNotifications.class);
    assertThat(notifications.listening()).isTrue();
    // what a database restart or a network cut does to the dedicated connection
    int killed = jdbc.sql("""
            SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
            WHERE datname = current_database() AND query LIKE 'LISTEN walt_jobs%'
            """).query(Integer.class).single();
    assertThat(killed).isEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
        .until(() -> !notifications.listening());
    await().atMost(Duration.ofSeconds(10)).until(notifications::listening);
    await().atMost(Duration.ofSeconds(10)).until(() -> pool.busy() == 0);

    Job created = jobs.create(UUID.randomUUID(), tenant.job("noop"));
    Job done = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
        .until(() -> jobs.find(tenant.tenantId(), created.id()).orElseThrow(), job -> job.startedAt() != null);
    assertThat(Duration.between(done.createdAt(), done.startedAt())).isLessThan(Duration.ofMillis(500));
  }

  @Test
  void deletingAJobRemovesTheRecordAndItsObjects() {
    Job created = jobs.create(UUID.randomUUID(), tenant.job("noop"));
    Job done = await().atMost(Duration.ofSeconds(10))
        .until(() -> jobs.find(tenant.tenantId(), created.id()).orElseThrow(), job -> job.status().terminal());
    assertThat(storage.list(JobObjects.jobPrefix(created.id()))).hasSize(3);

    assertThat(jobs.delete(UUID.randomUUID(), created.id())).isFalse();
    assertThat(jobs.delete(tenant.tenantId(), created.id())).isTrue();

    assertThat(jobs.find(tenant.tenantId(), created.id())).isEmpty();
    assertThat(storage.exists(done.videoKey())).isFalse();
    assertThat(storage.list(JobObjects.jobPrefix(created.id()))).isEmpty();
    assertThat(jobs.delete(tenant.tenantId(), created.id())).isFalse();
  }

  @Test
  void deletingARunningJobStopsItsWorkerWhichLeavesNoObjectsBehind() {
    Job created = jobs.create(UUID.randomUUID(), tenant.job("slow", 40, null));
    await().atMost(Duration.ofSeconds(10)).until(() -> TestGenerator.STEPS.containsKey(created.id()));

    assertThat(jobs.delete(tenant.tenantId(), created.id())).isTrue();

    await().atMost(Duration.ofSeconds(5)).until(() -> pool.busy() == 0);
    assertThat(jobs.find(tenant.tenantId(), created.id())).isEmpty();
    assertThat(TestGenerator.STEPS.get(created.id()).get()).isLessThan(40);
    assertThat(storage.list(JobObjects.jobPrefix(created.id()))).isEmpty();
  }

  @Test
  void listingPagesNewestFirstWithACursorAndAStatusFilter() {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(jobs.create(UUID.randomUUID(), tenant.job("noop")).id());
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> jobs.activeJobs(tenant.apiKeyId()) == 0);
    Job cancelledLater = jobs.find(tenant.tenantId(), ids.get(0)).orElseThrow();

    List<Job> page1 = jobs.list(tenant.tenantId(), null, null, 2);
    List<Job> page2 = jobs.list(tenant.tenantId(), null, page1.get(1).id(), 2);
    List<Job> page3 = jobs.list(tenant.tenantId(), null, page2.get(1).id(), 2);

    List<UUID> paged = new ArrayList<>();
    List.of(page1, page2, page3).forEach(page -> page.forEach(job -> paged.add(job.id())));
    assertThat(page3).hasSize(1);
    assertThat(paged).containsExactlyInAnyOrderElementsOf(ids).doesNotHaveDuplicates();
    for (int i = 1; i < paged.size(); i++) {
      Job newer = jobs.find(tenant.tenantId(), paged.get(i - 1)).orElseThrow();
      Job older = jobs.find(tenant.tenantId(), paged.get(i)).orElseThrow();
      assertThat(newer.createdAt()).isAfterOrEqualTo(older.createdAt());
    }
    assertThat(paged.get(paged.size() - 1)).isEqualTo(cancelledLater.id());
    assertThat(jobs.list(tenant.tenantId(), JobStatus.COMPLETED, null, 10)).hasSize(5);
    assertThat(jobs.list(tenant.tenantId(), JobStatus.FAILED, null, 10)).isEmpty();
    assertThat(jobs.list(UUID.randomUUID(), null, null, 10)).isEmpty();
  }

  @Test
  void retentionDeletesTheObjectsOfExpiredJobsAndMarksThemExpired() {
    Job created = jobs.create(UUID.randomUUID(), tenant.job("noop"));
    Job done = await().atMost(Duration.ofSeconds(10))
        .until(() -> jobs.find(tenant.tenantId(), created.id()).orElseThrow(), job -> job.status().terminal());
    Job fresh = jobs.create(UUID.randomUUID(), tenant.job("noop"));
    await().atMost(Duration.ofSeconds(10))
        .until(() -> jobs.find(tenant.tenantId(), fresh.id()).orElseThrow(), job -> job.status().terminal());
    String input = "inputs/" + created.id() + ".png";
    storage.put(input, new byte[] {1, 2, 3}, "image/png");
    jdbc.sql("UPDATE video_jobs SET input_image_key = :key WHERE id = :id")
        .param("key", input).param("id", created.id()).update();
    jdbc.sql("""
            INSERT INTO idempotency_keys (api_key_id, key, request_hash, job_id, expires_at)
            VALUES (:k, 'old', '\\x00', :job, now() - interval '1 second'),
                   (:k, 'new', '\\x00', :job, now() + interval '1 hour')
            """)
        .param("k", tenant.apiKeyId()).param("job", created.id()).update();

    // time passes: the job's retention is over (the fresh one keeps its 24 h)
    jdbc.sql("UPDATE video_jobs SET expires_at = now() - interval '1 second' WHERE id = :id")
        .param("id", created.id()).update();

    Job expired = await().atMost(Duration.ofSeconds(10))
        .until(() -> jobs.find(tenant.tenantId(), created.id()).orElseThrow(), job -> job.status() == JobStatus.EXPIRED);
    assertThat(expired.videoKey()).isNull();
    assertThat(storage.exists(done.videoKey())).isFalse();
    assertThat(storage.exists(done.thumbnailKey())).isFalse();
    assertThat(storage.exists(input)).isFalse();
    assertThat(jobs.find(tenant.tenantId(), fresh.id()).orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(storage.list(JobObjects.jobPrefix(fresh.id()))).hasSize(3);
    await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.sql(
            "SELECT key FROM idempotency_keys WHERE api_key_id = :k").param("k", tenant.apiKeyId())
        .query(String.class).list().equals(List.of("new")));
  }

  @Test
  void aJobWithAnInputImageGetsItDecoded() throws Exception {
    var image = new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB);
    var png = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(image, "png", png);
    String key = "inputs/" + UUID.randomUUID() + ".png";
    storage.put(key, png.toByteArray(), "image/png");
    NewJob base = tenant.job("noop");
    NewJob withImage = new NewJob(base.tenantId(), base.apiKeyId(), base.prompt(), null, 1, 16, 16, 8, 1L, 1, 0f,
        key, null, Map.of());
    storage.put("inputs/unknown-format.bin", new byte[] {9, 9, 9}, "application/octet-stream");
    Job created = jobs.create(UUID.randomUUID(), withImage);
    Job bad = jobs.create(UUID.randomUUID(), new NewJob(base.tenantId(), base.apiKeyId(), "noop", null, 1, 16, 16,
        8, 1L, 1, 0f, "inputs/unknown-format.bin", null, Map.of()));

    Job done = await().atMost(Duration.ofSeconds(10))
        .until(() -> jobs.find(tenant.tenantId(), created.id()).orElseThrow(), job -> job.status().terminal());
    Job rejected = await().atMost(Duration.ofSeconds(10))
        .until(() -> jobs.find(tenant.tenantId(), bad.id()).orElseThrow(), job -> job.status().terminal());
    assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
    // a broken input is not retried: it fails on the first attempt with invalid_input
    assertThat(rejected.status()).isEqualTo(JobStatus.FAILED);
    assertThat(rejected.errorCode()).isEqualTo("invalid_input");
    assertThat(rejected.attempt()).isEqualTo(1);
  }

  /**
   * The job's finish listeners ran once. They count after the commit, on the worker's thread, so the
   * count may trail the row a polling test already sees as terminal by a moment.
   */
  private static void finishedOnce(UUID jobId) {
    await().atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(JobsTestApp.FINISHES.get(jobId)).as("finishes of %s", jobId).hasValue(1));
  }
}
