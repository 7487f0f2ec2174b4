package dev.walt.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.walt.jobs.Job;
import dev.walt.jobs.JobFixtures;
import dev.walt.jobs.VideoJobs;
import dev.walt.worker.JobsTestApp;
import dev.walt.worker.TestGenerator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A webhook receiver that first times out, then answers 500, then recovers (issue 10): the delivery
 * arrives once it recovers, with the same {@code webhook-id} (and the same body) on every attempt, and
 * the outbox row ends delivered after three attempts.
 */
class WebhookReceiverRecoveryIT {

  record Attempt(String id, String body, String behaviour) {}

  @Test
  void timeoutThen500ThenRecoveryDeliversOnceWithTheSameId() throws Exception {
    List<Attempt> attempts = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    receiver.createContext("/hook", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      int n = calls.incrementAndGet();
      String behaviour = n == 1 ? "timeout" : n == 2 ? "500" : "204";
      attempts.add(new Attempt(exchange.getRequestHeaders().getFirst("webhook-id"), body, behaviour));
      try {
        if (n == 1) {
          Thread.sleep(4000); // longer than the dispatcher's read timeout
        }
        exchange.sendResponseHeaders(n == 2 ? 500 : 204, -1);
      } catch (Exception e) {
        // the client gave up first
      } finally {
        exchange.close();
      }
    });
    receiver.start();
    String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    try (ConfigurableApplicationContext app = JobsTestApp.start(JobsTestApp.services(), TestGenerator.factory(),
        "walt.webhooks.read-timeout=1s", "walt.webhooks.connect-timeout=1s")) {
      JdbcClient jdbc = app.getBean(JdbcClient.class);
      JobFixtures.Tenant tenant = JobFixtures.tenant(jdbc, null);
      Job job = app.getBean(VideoJobs.class).create(UUID.randomUUID(), tenant.job("noop", 1, url));

      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
          "delivered".equals(jdbc.sql("SELECT status FROM webhook_deliveries WHERE job_id = :id")
              .param("id", job.id()).query(String.class).optional().orElse("")));

      assertThat(attempts).extracting(Attempt::behaviour).containsExactly("timeout", "500", "204");
      assertThat(attempts).extracting(Attempt::id).allSatisfy(id -> assertThat(id).isEqualTo(attempts.get(0).id()))
          .first().asString().startsWith("msg_");
      assertThat(attempts).extracting(Attempt::body).containsOnly(attempts.get(0).body());
      assertThat(jdbc.sql("SELECT attempts FROM webhook_deliveries WHERE job_id = :id").param("id", job.id())
          .query(Integer.class).single()).isEqualTo(3);
      Thread.sleep(1500); // nothing more arrives after the success
      assertThat(calls.get()).isEqualTo(3);
    } finally {
      receiver.stop(0);
    }
  }
}
