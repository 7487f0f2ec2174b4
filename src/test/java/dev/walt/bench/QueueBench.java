package dev.walt.bench;

import dev.walt.WaltApplication;
import dev.walt.jobs.Job;
import dev.walt.jobs.JobFixtures;
import dev.walt.jobs.JobNotifications;
import dev.walt.jobs.JobQueue;
import dev.walt.jobs.VideoJobs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The queue benchmark: the application's own {@link JobQueue} and {@link VideoJobs} (Spring context,
 * Hikari pool, transactions, finish listeners) on a real PostgreSQL, with no-op jobs (the model is not
 * involved: a "worker" claims and completes at once).
 *
 * <ol>
 *   <li>throughput: claim -> complete of pre-queued jobs with 1, 2, 4, 8 worker threads, one job at
 *       a time (the video workers' path);
 *   <li>batched: the same with {@link JobQueue#claim(String, java.time.Duration, int)} and
 *       {@link JobQueue#completeAll}, {@code bench.batch} jobs per statement (workers of short jobs);
 *   <li>pick-up latency: jobs created one by one through {@link VideoJobs#create} (commit + NOTIFY)
 *       while idle workers wait for {@link JobNotifications}; time from the create's commit to the
 *       claim's return;
 *   <li>claim latency with 0, 100k and 1M finished rows in the table.
 * </ol>
 *
 * <p>Run: {@code ./mvnw -o -q -Pbench test-compile exec:java -Dbench.main=dev.walt.bench.QueueBench}
 * (options: {@code -Dbench.db=jdbc:postgresql://127.0.0.1:5432/}, {@code -Dbench.jobs=5000},
 * {@code -Dbench.workers=1,2,4,8}, {@code -Dbench.sizes=0,100000,1000000},
 * {@code -Dbench.pickups=1000}, {@code -Dbench.batch=16},
 * {@code -Dbench.only=throughput,batched,pickup,sizes}, {@code -Dbench.dbName=walt_bench_queue}).
 */
public final class QueueBench {

  private static final Duration LEASE = Duration.ofSeconds(60);

  private final JobQueue queue;
  private final VideoJobs videoJobs;
  private final JobNotifications notifications;
  private final JdbcClient jdbc;
  private final JobFixtures.Tenant tenant;

  private QueueBench(ConfigurableApplicationContext context) {
    this.queue = context.getBean(JobQueue.class);
    this.videoJobs = context.getBean(VideoJobs.class);
    this.notifications = context.getBean(JobNotifications.class);
    this.jdbc = context.getBean(JdbcClient.class);
    this.tenant = JobFixtures.tenant(jdbc, null);
  }

  public static void main(String[] args) throws Exception {
    int jobs = Integer.getInteger("bench.jobs", 5000);
    int pickups = Integer.getInteger("bench.pickups", 1000);
    List<Integer> workers = ints(System.getProperty("bench.workers", "1,2,4,8"));
    List<Integer> sizes = ints(System.getProperty("bench.sizes", "0,100000,1000000"));
    String url = BenchSupport.freshDatabase(System.getProperty("bench.dbName", "walt_bench_queue"));
    Map<String, String> services = BenchSupport.services(url);
    List<String> props = new ArrayList<>();
    services.forEach((k, v) -> props.add(k + "=" + v));
    props.addAll(List.of(
        "walt.worker.enabled=false",
        "spring.datasource.hikari.maximum-pool-size=" + Integer.getInteger("bench.pool", 12),
        "spring.main.banner-mode=off",
        "logging.level.root=WARN"));
    System.out.println("# queue benchmark " + java.time.Instant.now() + " " + BenchSupport.machine());
    System.out.println("# database " + url);
    try (ConfigurableApplicationContext context = new SpringApplicationBuilder(WaltApplication.class)
        .web(WebApplicationType.NONE)
        .properties(props.toArray(String[]::new))
        .run()) {
      QueueBench bench = new QueueBench(context);
      String only = System.getProperty("bench.only", "throughput,batched,pickup,creates,sizes");
      if (only.contains("throughput")) {
        bench.throughput(workers, jobs);
      }
      if (only.contains("batched")) {
        bench.batched(workers, jobs, Integer.getInteger("bench.batch", 16));
      }
      if (only.contains("pickup")) {
        bench.pickup(pickups, 2);
      }
      if (only.contains("creates")) {
        bench.creates(ints(System.getProperty("bench.creators", "1,4,16")), Integer.getInteger("bench.seconds", 5));
      }
      if (only.contains("sizes")) {
        bench.claimVersusTableSize(sizes, 2000);
      }
      System.out.println("# done " + BenchSupport.machine());
    }
    // the in-process S3 server's threads would keep a plain `java` launch alive
    System.exit(0);
  }

  // -------------------------------------------------------------------------------------------

  /**
   * Creates through {@link VideoJobs#create} (insert, commit, the workers' wake-up) from concurrent threads for
   * a fixed time: what the database sustains for the API's writes without HTTP in front.
   */
  private void creates(List<Integer> creatorCounts, int seconds) throws InterruptedException {
    System.out.println();
    System.out.println("## creates through VideoJobs.create (" + seconds + " s per run, no HTTP)");
    System.out.println("| threads | creates/s | p50 ms | p99 ms |");
    System.out.println("|---:|---:|---:|---:|");
    runCreators(4, 1); // warm-up
    for (int n : creatorCounts) {
      truncate();
      long[][] latencies = runCreators(n, seconds);
      long[] all = java.util.Arrays.stream(latencies).flatMapToLong(java.util.Arrays::stream).toArray();
      System.out.printf("| %d | %.0f | %.2f | %.2f |%n", n, all.length / (double) seconds,
          BenchSupport.percentile(all, 50), BenchSupport.percentile(all, 99));
    }
  }

  private long[][] runCreators(int n, int seconds) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long[][] latencies = new long[n][];
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      int slot = t;
      Thread thread = new Thread(() -> {
        long[] mine = new long[1 << 16];
        int k = 0;
        while (System.nanoTime() < end && k < mine.length) {
          long t0 = System.nanoTime();
          videoJobs.create(UUID.randomUUID(), tenant.job("noop create " + k));
          mine[k++] = System.nanoTime() - t0;
        }
        latencies[slot] = java.util.Arrays.copyOf(mine, k);
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread t : threads) {
      t.join();
    }
    return latencies;
  }

  private void throughput(List<Integer> workerCounts, int jobs) throws InterruptedException {
    System.out.println();
    System.out.println("## claim -> complete throughput (" + jobs + " no-op jobs per run)");
    System.out.printf("| workers | jobs/s | claim p50 ms | claim p99 ms | complete p50 ms | complete p99 ms |%n");
    System.out.printf("|---:|---:|---:|---:|---:|---:|%n");
    runWorkers(2, Math.min(jobs, 500)); // warm-up: JIT, pool, plans
    for (int n : workerCounts) {
      Result r = runWorkers(n, jobs);
      System.out.printf("| %d | %.0f | %.2f | %.2f | %.2f | %.2f |%n", n, r.jobsPerSecond,
          BenchSupport.percentile(r.claims, 50), BenchSupport.percentile(r.claims, 99),
          BenchSupport.percentile(r.completes, 50), BenchSupport.percentile(r.completes, 99));
    }
  }

  private record Result(double jobsPerSecond, long[] claims, long[] completes) {}

  private Result runWorkers(int n, int jobs) throws InterruptedException {
    truncate();
    insertQueued(jobs);
    vacuum();
    long[][] claims = new long[n][jobs + 1];
    long[][] completes = new long[n][jobs + 1];
    int[] counts = new int[n];
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < n; w++) {
      int index = w;
      threads.add(started("bench-worker-" + w, () -> {
        String id = "bench-" + index;
        await(start);
        int done = 0;
        while (true) {
          long t0 = System.nanoTime();
          Optional<Job> job = queue.claim(id, LEASE);
          long t1 = System.nanoTime();
          if (job.isEmpty()) {
            break;
          }
          Job j = job.get();
          queue.complete(j.id(), j.attempt(), "bench/" + j.id() + "/video.mp4", "bench/" + j.id() + "/thumb.jpg", null);
          long t2 = System.nanoTime();
          claims[index][done] = t1 - t0;
          completes[index][done] = t2 - t1;
          done++;
        }
        counts[index] = done;
      }));
    }
    long begin = System.nanoTime();
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
    long elapsed = System.nanoTime() - begin;
    int total = 0;
    for (int c : counts) {
      total += c;
    }
    if (total != jobs) {
      throw new IllegalStateException("claimed " + total + " of " + jobs);
    }
    long completed = jdbc.sql("SELECT count(*) FROM video_jobs WHERE status = 'completed' AND attempt = 1")
        .query(Long.class).single();
    if (completed != jobs) {
      throw new IllegalStateException("completed once: " + completed + " of " + jobs);
    }
    return new Result(jobs / (elapsed / 1e9), flatten(claims, counts), flatten(completes, counts));
  }

  // -------------------------------------------------------------------------------------------

  /**
   * The production path for workers that run many short jobs: {@link JobQueue#claim(String, Duration,
   * int)} takes up to {@code batch} jobs in one statement, {@link JobQueue#completeAll} completes them in
   * one guarded statement and one transaction (finish listeners included: metrics, the webhook outbox as
   * one INSERT ... SELECT): two commits per batch instead of two per job.
   */
  private void batched(List<Integer> workerCounts, int jobs, int batch) throws InterruptedException {
    System.out.println();
    System.out.println("## batched claim -> complete, JobQueue.claim(worker, lease, " + batch + ") + JobQueue.completeAll ("
        + jobs + " jobs per run)");
    System.out.println("| workers | jobs/s | claim p50 ms | claim p99 ms | complete p50 ms | complete p99 ms |");
    System.out.println("|---:|---:|---:|---:|---:|---:|");
    for (int n : workerCounts) {
      truncate();
      insertQueued(jobs);
      vacuum();
      CountDownLatch start = new CountDownLatch(1);
      AtomicLong done = new AtomicLong();
      List<long[]> claimTimes = new java.util.concurrent.CopyOnWriteArrayList<>();
      List<long[]> completeTimes = new java.util.concurrent.CopyOnWriteArrayList<>();
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < n; w++) {
        String id = "batch-" + w;
        threads.add(started(id, () -> {
          await(start);
          long[] claims = new long[jobs + 1];
          long[] completes = new long[jobs + 1];
          int rounds = 0;
          while (true) {
            long t0 = System.nanoTime();
            List<Job> claimed = queue.claim(id, LEASE, batch);
            long t1 = System.nanoTime();
            if (claimed.isEmpty()) {
              break;
            }
            List<JobQueue.Completion> results = new ArrayList<>(claimed.size());
            for (Job j : claimed) {
              results.add(new JobQueue.Completion(j.id(), j.attempt(), "bench/" + j.id() + "/video.mp4",
                  "bench/" + j.id() + "/thumb.jpg", null));
            }
            done.addAndGet(queue.completeAll(results).size());
            claims[rounds] = t1 - t0;
            completes[rounds] = System.nanoTime() - t1;
            rounds++;
          }
          claimTimes.add(java.util.Arrays.copyOf(claims, rounds));
          completeTimes.add(java.util.Arrays.copyOf(completes, rounds));
        }));
      }
      long begin = System.nanoTime();
      start.countDown();
      for (Thread t : threads) {
        t.join();
      }
      double rate = done.get() / ((System.nanoTime() - begin) / 1e9);
      if (done.get() != jobs) {
        throw new IllegalStateException("completed " + done.get() + " of " + jobs);
      }
      long completed = jdbc.sql("SELECT count(*) FROM video_jobs WHERE status = 'completed' AND attempt = 1")
          .query(Long.class).single();
      if (completed != jobs) {
        throw new IllegalStateException("completed once: " + completed + " of " + jobs);
      }
      long[] claims = claimTimes.stream().flatMapToLong(java.util.Arrays::stream).toArray();
      long[] completes = completeTimes.stream().flatMapToLong(java.util.Arrays::stream).toArray();
      System.out.printf("| %d | %.0f | %.2f | %.2f | %.2f | %.2f |%n", n, rate,
          BenchSupport.percentile(claims, 50), BenchSupport.percentile(claims, 99),
          BenchSupport.percentile(completes, 50), BenchSupport.percentile(completes, 99));
    }
  }

  // -------------------------------------------------------------------------------------------

  /** A wake-up signal like the worker pool's: a sequence number so that no notification is lost. */
  private static final class Signal implements JobNotifications.Subscriber {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long sequence;

    @Override
    public void jobQueued() {
      lock.lock();
      try {
        sequence++;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void cancelRequested(UUID jobId) {}

    long seen() {
      lock.lock();
      try {
        return sequence;
      } finally {
        lock.unlock();
      }
    }

    void await(long seen, long millis) throws InterruptedException {
      long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
      lock.lock();
      try {
        while (sequence == seen && nanos > 0) {
          nanos = changed.awaitNanos(nanos);
        }
      } finally {
        lock.unlock();
      }
    }
  }

  private void pickup(int count, int idleWorkers) throws InterruptedException {
    truncate();
    Signal signal = new Signal();
    notifications.subscribe(signal);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!notifications.listening() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Map<UUID, Long> committed = new ConcurrentHashMap<>();
    Map<UUID, Long> claimed = new ConcurrentHashMap<>();
    AtomicLong done = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < idleWorkers; w++) {
      String id = "pickup-" + w;
      threads.add(started(id, () -> {
        try {
          while (done.get() < count) {
            long seen = signal.seen();
            Optional<Job> job = queue.claim(id, LEASE);
            if (job.isPresent()) {
              claimed.put(job.get().id(), System.nanoTime());
              queue.complete(job.get().id(), job.get().attempt(), "k", "t", null);
              done.incrementAndGet();
            } else {
              // the worker's idle path: one look at the next due time, then wait for a wake-up
              queue.untilNextDue();
              signal.await(seen, 5000);
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
    }
    Thread.sleep(200); // the workers are idle and waiting
    long intervalNanos = TimeUnit.MILLISECONDS.toNanos(Integer.getInteger("bench.pickupIntervalMs", 10));
    long next = System.nanoTime();
    long[] creates = new long[count];
    for (int i = 0; i < count; i++) {
      while (System.nanoTime() < next) {
        Thread.onSpinWait();
      }
      next += intervalNanos;
      UUID id = UUID.randomUUID();
      long t0 = System.nanoTime();
      videoJobs.create(id, tenant.job("noop pickup " + i));
      long t1 = System.nanoTime();
      creates[i] = t1 - t0;
      committed.put(id, t1);
    }
    for (Thread t : threads) {
      t.join(30_000);
      t.interrupt();
    }
    notifications.unsubscribe(signal);
    long[] latencies = new long[committed.size()];
    int i = 0;
    int early = 0;
    for (Map.Entry<UUID, Long> e : committed.entrySet()) {
      Long c = claimed.get(e.getKey());
      if (c == null) {
        throw new IllegalStateException("never claimed: " + e.getKey());
      }
      long l = c - e.getValue();
      if (l < 0) {
        early++;
      }
      latencies[i++] = Math.max(0, l);
    }
    System.out.println();
    System.out.printf("## pick-up latency, commit -> claim (%d jobs, one every %d ms, %d idle workers woken by NOTIFY)%n",
        count, TimeUnit.NANOSECONDS.toMillis(intervalNanos), idleWorkers);
    System.out.println("| p50 ms | p90 ms | p99 ms | max ms | create (insert+NOTIFY+commit) p50 ms |");
    System.out.println("|---:|---:|---:|---:|---:|");
    System.out.printf("| %.2f | %.2f | %.2f | %.2f | %.2f |%n",
        BenchSupport.percentile(latencies, 50), BenchSupport.percentile(latencies, 90),
        BenchSupport.percentile(latencies, 99), BenchSupport.percentile(latencies, 100),
        BenchSupport.percentile(creates, 50));
    System.out.println("(" + early + " jobs were claimed before create() had returned to its caller: counted as 0)");
  }

  // -------------------------------------------------------------------------------------------

  private void claimVersusTableSize(List<Integer> sizes, int claims) {
    System.out.println();
    System.out.println("## claim latency vs finished rows in video_jobs (" + claims + " claims, 1 worker)");
    System.out.println("| finished rows | claim p50 ms | claim p99 ms | jobs/s (1 worker) | plan |");
    System.out.println("|---:|---:|---:|---:|---|");
    for (int size : sizes) {
      truncate();
      long t0 = System.nanoTime();
      insertFinished(size);
      long fill = System.nanoTime() - t0;
      insertQueued(claims);
      vacuum();
      String plan = explainClaim();
      long[] samples = new long[claims];
      long begin = System.nanoTime();
      for (int i = 0; i < claims; i++) {
        long a = System.nanoTime();
        Job j = queue.claim("size-bench", LEASE).orElseThrow();
        samples[i] = System.nanoTime() - a;
        queue.complete(j.id(), j.attempt(), "k", "t", null);
      }
      double rate = claims / ((System.nanoTime() - begin) / 1e9);
      System.out.printf("| %,d | %.2f | %.2f | %.0f | %s |%n", size, BenchSupport.percentile(samples, 50),
          BenchSupport.percentile(samples, 99), rate, plan);
      System.out.printf("(filled %,d rows in %.1f s)%n", size, fill / 1e9);
    }
  }

  private String explainClaim() {
    List<String> lines = jdbc.sql("""
            EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON)
            SELECT id FROM video_jobs
            WHERE status = 'queued' AND run_after <= now()
            ORDER BY priority, created_at, id
            LIMIT 1
            FOR UPDATE SKIP LOCKED
            """).query(String.class).list();
    StringBuilder s = new StringBuilder();
    for (String line : lines) {
      String t = line.trim();
      if (t.contains("Scan") || t.startsWith("Execution Time")) {
        if (!s.isEmpty()) {
          s.append("; ");
        }
        s.append(t.replace("->", "").trim());
      }
    }
    return s.toString();
  }

  // -------------------------------------------------------------------------------------------

  private void truncate() {
    jdbc.sql("TRUNCATE video_jobs CASCADE").update();
  }

  private void vacuum() {
    jdbc.sql("VACUUM ANALYZE video_jobs").update();
  }

  private void insertQueued(int n) {
    jdbc.sql("""
            INSERT INTO video_jobs (id, tenant_id, api_key_id, prompt, frames, width, height, fps, seed, steps,
                                    guidance_scale, created_at)
            SELECT gen_random_uuid(), :tenant, :key, 'noop', 2, 32, 24, 8, g, 1, 0,
                   now() - interval '1 hour' + g * interval '1 microsecond'
            FROM generate_series(1, :n) g
            """)
        .param("tenant", tenant.tenantId()).param("key", tenant.apiKeyId()).param("n", n)
        .update();
  }

  private void insertFinished(int n) {
    if (n == 0) {
      return;
    }
    jdbc.sql("""
            INSERT INTO video_jobs (id, tenant_id, api_key_id, status, prompt, frames, width, height, fps, seed,
                                    steps, guidance_scale, attempt, progress, video_key, thumbnail_key,
                                    created_at, started_at, finished_at, expires_at)
            SELECT gen_random_uuid(), :tenant, :key, 'completed', 'a finished job', 2, 32, 24, 8, g, 1, 0, 1, 100,
                   'videos/x/1/video.mp4', 'videos/x/1/thumbnail.jpg',
                   now() - interval '2 hours', now() - interval '2 hours', now() - interval '1 hour',
                   now() + interval '1 day'
            FROM generate_series(1, :n) g
            """)
        .param("tenant", tenant.tenantId()).param("key", tenant.apiKeyId()).param("n", n)
        .update();
  }

  private static long[] flatten(long[][] perThread, int[] counts) {
    int total = 0;
    for (int c : counts) {
      total += c;
    }
    long[] all = new long[total];
    int k = 0;
    for (int t = 0; t < perThread.length; t++) {
      System.arraycopy(perThread[t], 0, all, k, counts[t]);
      k += counts[t];
    }
    return all;
  }

  private static Thread started(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.start();
    return t;
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<Integer> ints(String csv) {
    List<Integer> out = new ArrayList<>();
    for (String s : csv.split(",")) {
      if (!s.isBlank()) {
        out.add(Integer.parseInt(s.trim()));
      }
    }
    return out;
  }
}
