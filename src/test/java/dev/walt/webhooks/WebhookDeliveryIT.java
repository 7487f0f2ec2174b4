package dev.walt.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.walt.jobs.Job;
import dev.walt.jobs.JobFixtures;
import dev.walt.jobs.JobStatus;
import dev.walt.jobs.VideoJobs;
import dev.walt.worker.JobsTestApp;
import dev.walt.worker.TestGenerator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Webhooks end to end: a job finishes, the outbox row commits with it, the dispatcher POSTs to a real
 * HTTP receiver on loopback, which verifies the Standard Webhooks signature with its own code.
 */
class WebhookDeliveryIT {

  /** One request as the receiver saw it. */
  record Received(String path, String id, String timestamp, String signature, String body, int answered) {}

  private static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();
  /** How many requests to /flaky are answered 500 before it answers 200. */
  private static final AtomicInteger FAILURES_LEFT = new AtomicInteger();
  private static HttpServer receiver;
  private static ConfigurableApplicationContext app;
  private static VideoJobs jobs;
  private static JdbcClient jdbc;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String path = exchange.getRequestURI().getPath();
      int status = path.equals("/down") || (path.equals("/flaky") && FAILURES_LEFT.getAndDecrement() > 0)
          ? 500 : 204;
      RECEIVED.add(new Received(path,
          exchange.getRequestHeaders().getFirst("webhook-id"),
          exchange.getRequestHeaders().getFirst("webhook-timestamp"),
          exchange.getRequestHeaders().getFirst("webhook-signature"),
          body, status));
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    receiver.start();
    base = "http://127.0.0.1:" + receiver.getAddress().getPort();
    app = JobsTestApp.start(JobsTestApp.services(), TestGenerator.factory());
    jobs = app.getBean(VideoJobs.class);
    jdbc = app.getBean(JdbcClient.class);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    if (receiver != null) {
      receiver.stop(0);
    }
  }

  @Test
  void aCompletedJobIsDeliveredSignedAndRetriedAfterAFailureWithTheSameId() throws Exception {
    FAILURES_LEFT.set(1);
    JobFixtures.Tenant tenant = JobFixtures.tenant(jdbc, null);
    Job created = jobs.create(UUID.randomUUID(), tenant.job("noop", 1, base + "/flaky"));

    List<Received> got = await().atMost(Duration.ofSeconds(20)).until(
        () -> forPath("/flaky", created.id()), list -> list.size() == 2);

    Received first = got.get(0);
    Received second = got.get(1);
    assertThat(first.answered()).isEqualTo(500);
    assertThat(second.answered()).isEqualTo(204);
    assertThat(second.id()).isEqualTo(first.id()).startsWith("msg_");
    assertThat(second.body()).isEqualTo(first.body());
    for (Received r : got) {
      assertThat(verify(tenant.webhookSecret(), r)).as("signature of %s", r).isTrue();
      assertThat(Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(r.timestamp()))).isLessThan(60);
    }
    // a signature under another secret, or over another body, does not verify
    assertThat(verify("whsec_" + Base64.getEncoder().encodeToString(new byte[24]), second)).isFalse();
    assertThat(verify(tenant.webhookSecret(), new Received(second.path(), second.id(), second.timestamp(),
        second.signature(), second.body().replace("completed", "failed"), 204))).isFalse();

    JsonNode event = JsonMapper.builder().build().readTree(second.body());
    assertThat(event.get("type").asString()).isEqualTo("video.completed");
    assertThat(event.get("timestamp").asString()).isNotBlank();
    JsonNode data = event.get("data");
    assertThat(data.get("id").asString()).isEqualTo(created.id().toString());
    assertThat(data.get("object").asString()).isEqualTo("video");
    assertThat(data.get("status").asString()).isEqualTo("completed");
    assertThat(data.get("progress").asInt()).isEqualTo(100);
    assertThat(data.get("prompt").asString()).isEqualTo("noop");
    assertThat(data.get("size").asString()).isEqualTo("32x24");
    assertThat(data.get("metadata").get("case").asString()).isEqualTo("noop");
    assertThat(data.has("error")).isFalse();
    assertThat(data.get("has_image").asBoolean()).isFalse();
    assertThat(data.get("webhook_url").asString()).isEqualTo(base + "/flaky");
    assertThat(data.get("expires_at").asLong()).isGreaterThan(data.get("completed_at").asLong());
    assertThat(second.body()).doesNotContain("video_url", "thumbnail_url");

    await().atMost(Duration.ofSeconds(5)).until(() -> "delivered".equals(deliveryStatus(created.id())));
    Map<String, Object> row = jdbc.sql("SELECT attempts, last_status FROM webhook_deliveries WHERE job_id = :id")
        .param("id", created.id()).query().singleRow();
    assertThat(row).containsEntry("attempts", 2).containsEntry("last_status", 204);
  }

  @Test
  void aFailedJobGoesToTheKeysDefaultUrlAsVideoFailed() throws Exception {
    JobFixtures.Tenant tenant = JobFixtures.tenant(jdbc, base + "/default");
    Job created = jobs.create(UUID.randomUUID(), tenant.job("fail", 1, null));

    List<Received> got = await().atMost(Duration.ofSeconds(20)).until(
        () -> forPath("/default", created.id()), list -> !list.isEmpty());

    assertThat(got).hasSize(1);
    assertThat(verify(tenant.webhookSecret(), got.get(0))).isTrue();
    JsonNode event = JsonMapper.builder().build().readTree(got.get(0).body());
    assertThat(event.get("type").asString()).isEqualTo("video.failed");
    assertThat(event.get("data").get("status").asString()).isEqualTo("failed");
    assertThat(event.get("data").get("error").get("code").asString()).isEqualTo("generation_failed");
    // one event for the job's end, none for the retried attempts
    assertThat(jdbc.sql("SELECT count(*) FROM webhook_deliveries WHERE job_id = :id").param("id", created.id())
        .query(Integer.class).single()).isEqualTo(1);
  }

  @Test
  void aCancelledQueuedJobIsAnnouncedAndAJobWithoutUrlIsNot() {
    JobFixtures.Tenant tenant = JobFixtures.tenant(jdbc, null);
    Job silent = jobs.create(UUID.randomUUID(), tenant.job("noop", 1, null));
    await().atMost(Duration.ofSeconds(10)).until(
        () -> jobs.find(tenant.tenantId(), silent.id()).orElseThrow().status().terminal());
    // both workers hang on blockers, so the next job stays queued until we cancel it
    Job blockerA = jobs.create(UUID.randomUUID(), tenant.job("block noop", 1, null));
    Job blockerB = jobs.create(UUID.randomUUID(), tenant.job("block noop", 1, null));
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> jobs.activeJobs(tenant.apiKeyId()) == 2
          && TestGenerator.RUNS.containsKey(blockerA.id()) && TestGenerator.RUNS.containsKey(blockerB.id()));
      Job created = jobs.create(UUID.randomUUID(), tenant.job("noop", 1, base + "/cancel"));
      assertThat(jobs.cancel(tenant.tenantId(), created.id()).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);

      List<Received> got = await().atMost(Duration.ofSeconds(10)).until(
          () -> forPath("/cancel", created.id()), list -> !list.isEmpty());
      assertThat(got).hasSize(1);
      assertThat(got.get(0).body()).contains("\"type\":\"video.cancelled\"");
      assertThat(deliveryStatus(silent.id())).isNull();
    } finally {
      TestGenerator.release(blockerA.id());
      TestGenerator.release(blockerB.id());
    }
  }

  @Test
  void aDeliveryIsGivenUpOnceItsRetryWindowIsOverAndALockedOneIsNotSent() {
    JobFixtures.Tenant tenant = JobFixtures.tenant(jdbc, null);
    Job created = jobs.create(UUID.randomUUID(), tenant.job("noop", 1, base + "/down"));
    await().atMost(Duration.ofSeconds(20)).until(() -> !forPath("/down", created.id()).isEmpty());
    await().atMost(Duration.ofSeconds(5)).until(() -> jdbc.sql(
            "SELECT last_status FROM webhook_deliveries WHERE job_id = :id").param("id", created.id())
        .query(Integer.class).optional().orElse(0) == 500);
    // the event is a day old now: the next failure ends the retries
    jdbc.sql("UPDATE webhook_deliveries SET created_at = now() - interval '24 hours' WHERE job_id = :id")
        .param("id", created.id()).update();
    await().atMost(Duration.ofSeconds(20)).until(() -> "failed".equals(deliveryStatus(created.id())));
    int attempts = forPath("/down", created.id()).size();
    assertThat(attempts).isGreaterThanOrEqualTo(2);

    // a row another instance holds (locked_until ahead) is not sent, even when due
    Job other = jobs.create(UUID.randomUUID(), tenant.job("noop", 1, null));
    await().atMost(Duration.ofSeconds(10)).until(
        () -> jobs.find(tenant.tenantId(), other.id()).orElseThrow().status().terminal());
    jdbc.sql("""
            INSERT INTO webhook_deliveries (id, job_id, api_key_id, event_type, url, payload, locked_until)
            VALUES ('msg_locked', :job, :key, 'video.completed', :url, :payload, now() + interval '1 hour')
            """)
        .param("job", other.id()).param("key", tenant.apiKeyId()).param("url", base + "/locked")
        .param("payload", "{\"job\": \"" + other.id() + "\"}").update();
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
        .until(() -> forPath("/locked", other.id()).isEmpty());
    // once the lock runs out (the holder died), any instance sends it
    jdbc.sql("UPDATE webhook_deliveries SET locked_until = now() - interval '1 second' WHERE id = 'msg_locked'")
        .update();
    await().atMost(Duration.ofSeconds(10)).until(() -> forPath("/locked", other.id()).size() == 1);
    assertThat(forPath("/locked", other.id()).get(0).id()).isEqualTo("msg_locked");
    assertThat(forPath("/down", created.id())).hasSize(attempts);
  }

  private static List<Received> forPath(String path, UUID jobId) {
    return RECEIVED.stream().filter(r -> r.path().equals(path) && r.body().contains(jobId.toString())).toList();
  }

  private static String deliveryStatus(UUID jobId) {
    return jdbc.sql("SELECT status FROM webhook_deliveries WHERE job_id = :id").param("id", jobId)
        .query(String.class).optional().orElse(null);
  }

  /**
   * Standard Webhooks verification, written here from the specification and independent of
   * {@link WebhookSigner}: the key is the base64 part after {@code whsec_}; the signed content is
   * {@code id.timestamp.body}; the header holds space-separated {@code v1,<base64>} signatures, any of
   * which may match (compared in constant time).
   */
  private static boolean verify(String secret, Received r) throws Exception {
    byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    Mac hmac = Mac.getInstance("HmacSHA256");
    hmac.init(new SecretKeySpec(key, "HmacSHA256"));
    byte[] expected = hmac.doFinal((r.id() + "." + r.timestamp() + "." + r.body()).getBytes(StandardCharsets.UTF_8));
    for (String candidate : r.signature().split(" ")) {
      int comma = candidate.indexOf(',');
      if (comma > 0 && candidate.substring(0, comma).equals("v1")
          && MessageDigest.isEqual(expected, Base64.getDecoder().decode(candidate.substring(comma + 1)))) {
        return true;
      }
    }
    return false;
  }
}
