package dev.walt.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walt.jobs.Job;
import dev.walt.jobs.JobFixtures;
import dev.walt.jobs.JobObjects;
import dev.walt.jobs.VideoJobs;
import dev.walt.storage.ObjectStorage;
import dev.walt.worker.JobsTestApp;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Worker JVMs killed with SIGKILL ({@code Process.destroyForcibly()} on Linux) at random moments
 * while 100 jobs run, each replaced by a fresh JVM (issue 10). Proves: every job ends completed, once
 * (terminal state written by one guarded UPDATE of one attempt); the row references only the
 * completing attempt's objects ({@code videos/{id}/{attempt}/...}) and they exist; killed attempts
 * were rescued and retried (attempt > 1 for some jobs); no object of a dead attempt is left under the
 * job's prefix (the worker's orphan sweep after a completion on a later attempt).
 */
class WorkerKillIT {

  private static final int JOBS = 100;
  private static final int WORKERS = 2;
  private static final int KILLS = 4;

  @Test
  void sigkilledWorkersLoseNoJobAndPublishOnlyTheCompletingAttempt() throws Exception {
    Map<String, String> services = JobsTestApp.services();
    Random random = new Random(42);
    List<Worker> workers = new ArrayList<>();
    // max_attempts is stored on each job when it is created: a job whose attempts all die with their JVM
    // fails for good (the product's guard against a job that crashes every worker), so here every job
    // gets one attempt more than there are kills (CI once saw a job hit by three kills of four, with 3)
    try (ConfigurableApplicationContext api = JobsTestApp.start(services, null, "walt.worker.enabled=false",
        "walt.jobs.max-attempts=" + (KILLS + 1))) {
      JdbcClient jdbc = api.getBean(JdbcClient.class);
      VideoJobs jobs = api.getBean(VideoJobs.class);
      ObjectStorage storage = api.getBean(ObjectStorage.class);
      JobFixtures.Tenant tenant = JobFixtures.tenant(jdbc, null);
      List<UUID> ids = new ArrayList<>();
      for (int i = 0; i < JOBS; i++) {
        Job job = jobs.create(UUID.randomUUID(), tenant.job("slow kill " + i, 8, null));
        ids.add(job.id());
      }
      for (int w = 0; w < WORKERS; w++) {
        workers.add(startWorker(services));
      }
      for (Worker w : workers) {
        assertThat(w.ready().await(4, TimeUnit.MINUTES)).as("a worker JVM started").isTrue();
      }
      int kills = 0;
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
      while (completed(jdbc) < JOBS && System.nanoTime() < deadline) {
        Thread.sleep(1500 + random.nextInt(2500));
        long running = jdbc.sql("SELECT count(*) FROM video_jobs WHERE status = 'in_progress'").query(Long.class).single();
        List<Integer> started = new ArrayList<>();
        for (int w = 0; w < workers.size(); w++) {
          if (workers.get(w).ready().getCount() == 0 && workers.get(w).process().isAlive()) {
            started.add(w);
          }
        }
        if (kills < KILLS && running > 0 && !started.isEmpty() && completed(jdbc) < JOBS - 10) {
          int victim = started.get(random.nextInt(started.size()));
          workers.get(victim).process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          kills++;
          workers.set(victim, startWorker(services)); // the replacement starts while the others work
        }
      }
      System.out.printf("worker kill: %d SIGKILLs, %d of %d completed%n", kills, completed(jdbc), JOBS);
      assertThat(kills).isEqualTo(KILLS);
      assertThat(completed(jdbc)).as("jobs completed; the others: %s", unfinished(jdbc)).isEqualTo(JOBS);

      int retried = 0;
      int deadObjects = 0;
      for (UUID id : ids) {
        Map<String, Object> row = jdbc.sql("SELECT attempt, video_key, thumbnail_key, status FROM video_jobs WHERE id = :id")
            .param("id", id).query().singleRow();
        int attempt = (Integer) row.get("attempt");
        if (attempt > 1) {
          retried++;
        }
        assertThat(row.get("status")).isEqualTo("completed");
        assertThat(row.get("video_key")).isEqualTo(JobObjects.outputKey(id, attempt, "video.mp4"));
        assertThat(row.get("thumbnail_key")).isEqualTo(JobObjects.outputKey(id, attempt, "thumbnail.jpg"));
        assertThat(storage.exists((String) row.get("video_key"))).isTrue();
        for (String key : storage.list(JobObjects.jobPrefix(id))) {
          if (!key.startsWith(JobObjects.outputKey(id, attempt, ""))) {
            deadObjects++;
          }
        }
      }
      System.out.printf("worker kill: %d jobs retried after a kill; %d objects of dead attempts left unreferenced%n",
          retried, deadObjects);
      assertThat(retried).as("some attempts died with their JVM and were rescued").isPositive();
      assertThat(deadObjects).as("the orphan sweep removed what dead attempts uploaded").isZero();
    } finally {
      for (Worker w : workers) {
        w.process().destroyForcibly();
      }
    }
  }

  private static long completed(JdbcClient jdbc) {
    return jdbc.sql("SELECT count(*) FROM video_jobs WHERE status = 'completed'").query(Long.class).single();
  }

  private static List<String> unfinished(JdbcClient jdbc) {
    return jdbc.sql("""
            SELECT id, status, attempt, max_attempts, error_code FROM video_jobs WHERE status <> 'completed'
            """)
        .query((rs, n) -> rs.getString("id") + " " + rs.getString("status") + " attempt " + rs.getInt("attempt")
            + " of " + rs.getInt("max_attempts") + " " + rs.getString("error_code"))
        .list();
  }

  record Worker(Process process, CountDownLatch ready) {}

  private static Worker startWorker(Map<String, String> services) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-XX:TieredStopAtLevel=1", "-Dai.djl.offline=true",
        "-cp", System.getProperty("java.class.path"), WorkerProcess.class.getName()));
    services.forEach((k, v) -> command.add(k + "=" + v));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    CountDownLatch ready = new CountDownLatch(1);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.contains("READY")) {
            ready.countDown();
          }
        }
      } catch (Exception e) {
        // the process died
      }
    }, "worker-output");
    reader.setDaemon(true);
    reader.start();
    return new Worker(p, ready);
  }
}
