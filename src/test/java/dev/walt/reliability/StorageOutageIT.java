package dev.walt.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.walt.jobs.Job;
import dev.walt.jobs.JobFixtures;
import dev.walt.jobs.VideoJobs;
import dev.walt.storage.ObjectStorage;
import dev.walt.worker.JobsTestApp;
import dev.walt.worker.TestGenerator;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The S3-compatible store unavailable for 30 s (issue 10; {@code -Dwalt.reliability.s3-outage=10s}
 * shortens it): an s3proxy this test owns is stopped while jobs reach their upload, then started again
 * on the same port and data. Proves: uploads are retried with backoff inside the attempt (every job
 * completes on its first attempt, none fails even though the job-level retries here are only 100 ms
 * apart and would be used up within a second), and the outputs are in the bucket afterwards.
 */
class StorageOutageIT {

  private static final String ACCESS = "outage-access";
  private static final String SECRET = "outage-secret-key-0123456789";

  @Test
  void uploadsRetryThroughAnOutageAndTheJobsComplete() throws Exception {
    Duration outage = Duration.parse("PT" + System.getProperty("walt.reliability.s3-outage", "30s").toUpperCase());
    Path blobs = Files.createTempDirectory("walt-outage-s3-");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    S3Proxy proxy = startS3(blobs, port);
    Map<String, String> services = new LinkedHashMap<>(JobsTestApp.services());
    services.put("walt.s3.endpoint", "http://127.0.0.1:" + port);
    services.put("walt.s3.access-key", ACCESS);
    services.put("walt.s3.secret-key", SECRET);
    services.put("walt.s3.bucket", "walt-outage");
    try (ConfigurableApplicationContext app = JobsTestApp.start(services, TestGenerator.factory(),
        "walt.worker.upload-retry-for=" + (outage.toSeconds() + 60) + "s")) {
      JdbcClient jdbc = app.getBean(JdbcClient.class);
      VideoJobs jobs = app.getBean(VideoJobs.class);
      JobFixtures.Tenant tenant = JobFixtures.tenant(jdbc, null);

      proxy.stop();
      long down = System.nanoTime();
      List<UUID> ids = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Job job = jobs.create(UUID.randomUUID(), tenant.job("noop s3 outage " + i, 1, null));
        ids.add(job.id());
      }
      Thread.sleep(Math.max(0, outage.toMillis() - (System.nanoTime() - down) / 1_000_000));
      assertThat(jdbc.sql("SELECT count(*) FROM video_jobs WHERE status IN ('failed', 'completed')")
          .query(Long.class).single()).as("nothing finished while the store was down").isZero();
      proxy = startS3(blobs, port);

      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
          jdbc.sql("SELECT count(*) FROM video_jobs WHERE status = 'completed'").query(Long.class).single() == ids.size());
      ObjectStorage storage = app.getBean(ObjectStorage.class);
      for (UUID id : ids) {
        Map<String, Object> row = jdbc.sql("SELECT attempt, video_key FROM video_jobs WHERE id = :id")
            .param("id", id).query().singleRow();
        assertThat(row.get("attempt")).as("completed on the first attempt: the upload was retried").isEqualTo(1);
        assertThat(storage.exists((String) row.get("video_key"))).isTrue();
      }
    } finally {
      proxy.stop();
    }
  }

  private static S3Proxy startS3(Path blobs, int port) throws Exception {
    S3Proxy proxy = S3Proxy.builder()
        .blobStore(new FilesystemNio2BlobStore(blobs.toString()))
        .endpoint(URI.create("http://127.0.0.1:" + port))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET)
        .build();
    proxy.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!"STARTED".equals(proxy.getState()) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return proxy;
  }
}
