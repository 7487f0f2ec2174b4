package dev.walt.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walt.testing.WaltIntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The queue's statements against a real PostgreSQL, no worker running: the bounded queue position,
 * and the batched claim and guarded completion with their finish listeners.
 */
@WaltIntegrationTest(properties = {"walt.worker.enabled=false", "walt.jobs.queue-position-limit=3",
    "walt.jobs.queue-position-horizon-ttl=2s"})
class QueueIT {

  @Autowired VideoJobs jobs;
  @Autowired JobQueue queue;
  @Autowired JdbcClient jdbc;
  @Autowired javax.sql.DataSource dataSource;

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
  void behindTheHorizonAPositionIsTheLimitAndFollowsDeparturesOfThisInstanceAtOnceAndOthersWithinTheTtl() {
    List<Job> queued = new ArrayList<>();
    List<Long> admittedAt = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      VideoJobs.Admission admitted = jobs.createIfFewerActive(UUID.randomUUID(), tenant.job("deep " + i), 100, 100);
      queued.add(admitted.job().orElseThrow());
      admittedAt.add(admitted.queuePosition());
    }
    assertThat(admittedAt).containsExactly(0L, 1L, 2L, 3L, 3L, 3L, 3L, 3L);
    assertThat(queued.stream().map(jobs::queuePosition)).containsExactly(0L, 1L, 2L, 3L, 3L, 3L, 3L, 3L);
    assertThat(queued.stream().map(j -> jobs.findWithQueuePosition(tenant.tenantId(), j.id()).orElseThrow().queuePosition()))
        .containsExactly(0L, 1L, 2L, 3L, 3L, 3L, 3L, 3L);

    // this instance claims the two at the head: every position moves at once
    assertThat(queue.claim("w", LEASE, 2)).extracting(Job::id).containsExactly(queued.get(0).id(), queued.get(1).id());
    assertThat(queued.subList(2, 8).stream().map(jobs::queuePosition)).containsExactly(0L, 1L, 2L, 3L, 3L, 3L);

    // another instance takes the next two (not through this repository): a job behind the horizon this
    // instance keeps (queued.get(5): 3 ahead when it was read) is still told 3 within the ttl ...
    jdbc.sql("UPDATE video_jobs SET status = 'in_progress', attempt = 1 WHERE id IN (:a, :b)")
        .param("a", queued.get(2).id()).param("b", queued.get(3).id()).update();
    assertThat(jobs.queuePosition(queued.get(5))).isEqualTo(3);
    // ... but one in front of it is counted, and a horizon whose own job left is not trusted
    assertThat(jobs.queuePosition(queued.get(4))).isZero();
    jdbc.sql("UPDATE video_jobs SET status = 'in_progress', attempt = 1 WHERE id = :id").param("id", queued.get(5).id()).update();
    assertThat(jobs.queuePosition(queued.get(7))).isEqualTo(2);
    // after the ttl the horizon is read again: exact positions
    sleep(Duration.ofMillis(2_100));
    assertThat(queued.subList(4, 8).stream().map(jobs::queuePosition)).containsExactly(0L, -1L, 1L, 2L);
  }

  @Test
  void aJobNearTheHeadOfADeepQueueIsCountedFromItselfNotThroughTheWholeQueue() {
    // 20,000 queued jobs of one priority and one created_at: only the id orders them (the worst case
    // for a row comparison, whose leading columns are then all equal)
    jdbc.sql("""
            INSERT INTO video_jobs (id, tenant_id, prompt, frames, width, height, fps, seed, steps, guidance_scale)
            SELECT gen_random_uuid(), :tenant, 'deep queue', 17, 128, 128, 8, 1, 1, 4 FROM generate_series(1, 20000)
            """)
        .param("tenant", tenant.tenantId())
        .update();
    jdbc.sql("ANALYZE video_jobs").update();
    UUID second = jdbc.sql("SELECT id FROM video_jobs WHERE status = 'queued' ORDER BY priority, created_at, id OFFSET 1 LIMIT 1")
        .query(UUID.class).single();
    assertThat(jobs.queuePosition(jobs.find(tenant.tenantId(), second).orElseThrow())).isEqualTo(1);

    String plan = positionParams(jdbc.sql("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + JobRepository.POSITION_OF_ID_STATEMENT.sql(3)))
        .param("id", second)
        .query(String.class)
        .single();
    var top = tools.jackson.databind.json.JsonMapper.builder().build().readTree(plan).get(0).get("Plan");
    long pages = top.get("Shared Hit Blocks").asLong() + top.get("Shared Read Blocks").asLong();
    // the job's own row and the one entry ahead of it: a handful of pages, not the ~100 index pages
    // of the 20,000 entries behind it (a forward count from the head read them all)
    assertThat(pages).as("pages the position statement read: %s", plan).isLessThan(20);
  }

  @Test
  void theReadAndTheInsertsArePlannedOnceNotAtEveryExecution() throws Exception {
    Job head = jobs.create(UUID.randomUUID(), tenant.job("planned once"));
    // one connection, as a pooled one serves many requests: pgjdbc prepares a statement on the server
    // from its fifth execution, and PostgreSQL's plan cache then keeps a generic plan or plans it again
    try (java.sql.Connection c = dataSource.getConnection()) {
      JdbcClient one = JdbcClient.create(new org.springframework.jdbc.datasource.SingleConnectionDataSource(c, true));
      for (int i = 0; i < 40; i++) {
        positionParams(one.sql(JobRepository.FIND_WITH_POSITION_STATEMENT.sql(7)))
            .param("id", head.id()).param("tenant", tenant.tenantId()).query().listOfRows();
        NewJob job = tenant.job("planned once " + i);
        jobParams(positionParams(one.sql(JobRepository.INSERT_STATEMENT.sql(7, i % 2 == 0 ? 0 : 20))), job)
            .param("activeBelow", Integer.MAX_VALUE)
            .query().listOfRows();
        CreationSlot.of(job.apiKeyId(), 16).bind(jobParams(positionParams(one.sql(JobRepository.INSERT_IN_SLOT_STATEMENT.sql(7))),
                tenant.job("planned once in a slot " + i)))
            .param("createdBefore", 0L).param("room", Long.MAX_VALUE)
            .query().listOfRows();
      }
      // (the pooled connection holds the statements of earlier tests too: a position limit of 7 marks these four)
      var plans = one.sql("""
              SELECT CASE WHEN statement LIKE '%pg_try_advisory_xact_lock%' THEN 'insert in a slot'
                          WHEN statement LIKE '%LIMIT 0) AS counted%' THEN 'insert, not counting'
                          WHEN statement LIKE '%LIMIT 20) AS counted%' THEN 'insert, counting up to 20'
                          ELSE 'read' END AS which,
                     generic_plans, custom_plans
              FROM pg_prepared_statements
              WHERE statement LIKE '%LIMIT 7) AS ahead%'
              ORDER BY which""")
          .query().listOfRows();
      assertThat(plans).as("server-prepared statements: %s", plans).extracting(r -> r.get("which"))
          .containsExactly("insert in a slot", "insert, counting up to 20", "insert, not counting", "read");
      for (var row : plans) {
        // of 20 (or 40) executions, 4 before pgjdbc prepares, then 5 custom plans before the cache may go generic
        assertThat((Long) row.get("generic_plans")).as("%s", row).isGreaterThanOrEqualTo(10);
        assertThat((Long) row.get("custom_plans")).as("%s", row).isLessThanOrEqualTo(5);
      }
    }
  }

  private static JdbcClient.StatementSpec jobParams(JdbcClient.StatementSpec statement, NewJob job) {
    return statement.param("id", UUID.randomUUID()).param("tenant", job.tenantId()).param("key", job.apiKeyId())
        .param("prompt", job.prompt()).param("negative", null).param("frames", 17).param("width", 128)
        .param("height", 128).param("fps", 8).param("seed", 1L).param("steps", 1).param("guidance", 4.0f)
        .param("image", null).param("webhook", null).param("metadata", "{}").param("maxAttempts", 3);
  }

  private static JdbcClient.StatementSpec positionParams(JdbcClient.StatementSpec statement) {
    // no horizon, as the repository binds it then
    QueueHorizon.Key none = JobRepository.NO_HORIZON;
    return statement.param("hPriority", none.priority()).param("hCreatedAt", none.createdAt()).param("hId", none.id());
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aCreateCountsTheActiveJobsOfItsKeyAndItsOwnQueuePosition() {
    for (int i = 0; i < 5; i++) {
      VideoJobs.Admission admitted = jobs.createIfFewerActive(UUID.randomUUID(), tenant.job("admitted " + i), 10, 10);
      assertThat(admitted.job()).isPresent();
      assertThat(admitted.activeJobs()).isEqualTo(i);
      assertThat(admitted.queuePosition()).isEqualTo(Math.min(i, 3));
      assertThat(admitted.queuePosition()).isEqualTo(jobs.queuePosition(admitted.job().get()));
    }
    // with as many active jobs as allowed nothing is inserted; the count stops at its bound
    VideoJobs.Admission refused = jobs.createIfFewerActive(UUID.randomUUID(), tenant.job("refused"), 5, 5);
    assertThat(refused.job()).isEmpty();
    assertThat(refused.activeJobs()).isEqualTo(5);
    assertThat(refused.queuePosition()).isEqualTo(-1);
    VideoJobs.Admission bounded = jobs.createIfFewerActive(UUID.randomUUID(), tenant.job("refused"), 3, 3);
    assertThat(bounded.job()).isEmpty();
    assertThat(bounded.activeJobs()).isEqualTo(3);
    assertThat(jobs.activeJobs(tenant.apiKeyId())).isEqualTo(5);
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

  static final Duration LEASE = Duration.ofMinutes(1);

  List<Job> queue(JobFixtures.Tenant owner, int n, String webhookUrl) {
    List<Job> created = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      created.add(jobs.create(UUID.randomUUID(), owner.job("batch " + i, 10, webhookUrl)));
    }
    return created;
  }

  static JobQueue.Completion result(Job job) {
    return new JobQueue.Completion(job.id(), job.attempt(), "videos/" + job.id() + "/" + job.attempt() + "/video.mp4",
        "videos/" + job.id() + "/" + job.attempt() + "/thumbnail.jpg", null);
  }

  long deliveries(UUID jobId) {
    return jdbc.sql("SELECT count(*) FROM webhook_deliveries WHERE job_id = ?").param(jobId).query(Long.class).single();
  }

  @Test
  void aBatchClaimTakesJobsInQueueOrderEachWithItsOwnAttemptAndLease() {
    List<Job> created = queue(tenant, 5, null);
    List<Job> first = queue.claim("batch-worker", LEASE, 3);
    assertThat(first).extracting(Job::id).containsExactly(created.get(0).id(), created.get(1).id(), created.get(2).id());
    for (Job job : first) {
      assertThat(job.status()).isEqualTo(JobStatus.IN_PROGRESS);
      assertThat(job.attempt()).isEqualTo(1);
      assertThat(job.startedAt()).isNotNull();
    }
    assertThat(jdbc.sql("SELECT count(*) FROM video_jobs WHERE worker_id = 'batch-worker' AND lease_expires_at > now()")
        .query(Long.class).single()).isEqualTo(3);
    assertThat(queue.claim("batch-worker", LEASE, 3)).extracting(Job::id)
        .containsExactly(created.get(3).id(), created.get(4).id());
    assertThat(queue.claim("batch-worker", LEASE, 3)).isEmpty();
    assertThat(queue.claim("single", LEASE, 1)).isEmpty();
  }

  @Test
  void concurrentBatchClaimsNeverTakeTheSameJob() throws Exception {
    List<Job> created = queue(tenant, 120, null);
    Set<UUID> claimed = ConcurrentHashMap.newKeySet();
    List<Integer> duplicates = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      String worker = "w" + t;
      Thread thread = new Thread(() -> {
        List<Job> batch;
        while (!(batch = queue.claim(worker, LEASE, 7)).isEmpty()) {
          for (Job job : batch) {
            if (!claimed.add(job.id())) {
              duplicates.add(1);
            }
          }
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread t : threads) {
      t.join(60_000);
    }
    assertThat(duplicates).isEmpty();
    assertThat(claimed).hasSize(created.size());
  }

  @Test
  void aBatchedCompletionIsGuardedPerJobAndWritesEachWebhookOnce() {
    // own URL, the key's default URL, and (another key) neither
    JobFixtures.Tenant withDefault = JobFixtures.tenant(jdbc, "https://hooks.example.com/default");
    Job own = queue(tenant, 1, "https://hooks.example.com/own").get(0);
    Job byDefault = queue(withDefault, 1, null).get(0);
    Job silent = queue(tenant, 1, null).get(0);
    Job lost = queue(tenant, 1, null).get(0);
    List<Job> claimed = queue.claim("batch-worker", LEASE, 10);
    assertThat(claimed).hasSize(4);
    Job lostAttempt = claimed.stream().filter(j -> j.id().equals(lost.id())).findFirst().orElseThrow();
    // the lost job's lease ran out and the rescuer handed it to another worker: attempt 1 lost it
    jdbc.sql("UPDATE video_jobs SET lease_expires_at = now() - interval '1 second' WHERE id = ?").param(lost.id()).update();
    queue.rescueExpired(10);
    jdbc.sql("UPDATE video_jobs SET run_after = now() WHERE id = ?").param(lost.id()).update();
    Job second = queue.claim("other-worker", LEASE).orElseThrow();
    assertThat(second.attempt()).isEqualTo(2);

    List<JobQueue.Completion> results = claimed.stream().map(QueueIT::result).toList();
    List<Job> completed = queue.completeAll(results);

    assertThat(completed).extracting(Job::id).containsExactlyInAnyOrder(own.id(), byDefault.id(), silent.id());
    for (Job job : completed) {
      assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
      assertThat(job.videoKey()).isEqualTo("videos/" + job.id() + "/1/video.mp4");
      assertThat(job.expiresAt()).isNotNull();
    }
    Job stillRunning = queue.find(lost.id()).orElseThrow();
    assertThat(stillRunning.status()).isEqualTo(JobStatus.IN_PROGRESS);
    assertThat(stillRunning.attempt()).isEqualTo(2);
    assertThat(stillRunning.videoKey()).isNull();
    assertThat(lostAttempt.attempt()).isEqualTo(1);

    assertThat(jdbc.sql("SELECT url FROM webhook_deliveries WHERE job_id = ?").param(own.id()).query(String.class).single())
        .isEqualTo("https://hooks.example.com/own");
    assertThat(jdbc.sql("SELECT url FROM webhook_deliveries WHERE job_id = ?").param(byDefault.id()).query(String.class).single())
        .isEqualTo("https://hooks.example.com/default");
    assertThat(jdbc.sql("SELECT event_type FROM webhook_deliveries WHERE job_id = ?").param(own.id()).query(String.class).single())
        .isEqualTo("video.completed");
    assertThat(deliveries(silent.id())).isZero();
    assertThat(deliveries(lost.id())).isZero();

    // exactly once: the same results again change nothing and write nothing
    assertThat(queue.completeAll(results)).isEmpty();
    assertThat(jdbc.sql("SELECT count(*) FROM webhook_deliveries").query(Long.class).single()).isEqualTo(2);
    // the new attempt still completes on its own
    assertThat(queue.complete(second.id(), 2, "v", "t", null)).isPresent();
    assertThat(queue.complete(second.id(), 2, "v", "t", null)).isEmpty();
  }

  @Test
  void aSingleCompletionWritesItsWebhookInTheSameTransaction() {
    JobFixtures.Tenant withDefault = JobFixtures.tenant(jdbc, "https://hooks.example.com/default");
    Job job = queue(withDefault, 1, null).get(0);
    Job claimed = queue.claim("single", LEASE).orElseThrow();
    assertThat(claimed.id()).isEqualTo(job.id());
    assertThat(queue.complete(job.id(), 1, "v", "t", null)).isPresent();
    assertThat(jdbc.sql("SELECT url FROM webhook_deliveries WHERE job_id = ?").param(job.id()).query(String.class).single())
        .isEqualTo("https://hooks.example.com/default");
    Set<String> payloadTypes = new HashSet<>(jdbc.sql("SELECT payload FROM webhook_deliveries").query(String.class).list());
    assertThat(payloadTypes).singleElement().asString().contains("\"type\":\"video.completed\"");
  }
}
