package dev.walt.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.walt.WaltApplication;
import dev.walt.auth.ApiKeys;
import dev.walt.testing.WaltTestServicesInitializer;
import dev.walt.worker.TestGenerator;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * PostgreSQL stopped and restarted under load (issue 10). The application (API and worker, test
 * generator) runs on a PostgreSQL server this test owns; the server is stopped while clients keep
 * sending requests, then started again on the same port and data directory.
 *
 * <p>Proves: every request answered 202 before the stop is still there afterwards and completes;
 * during the outage every answer is a 503 problem+json with {@code Retry-After} (never a 500, never a
 * hang past the pool's connection timeout); the service accepts requests again within 5 s of the
 * database's return without any restart of its own.
 */
class DatabaseOutageIT {

  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void requestsDuringAnOutageAre503AndEverythingAcceptedBeforeCompletes() throws Exception {
    Path data = Files.createTempDirectory("walt-outage-pg-");
    int pgPort;
    try (ServerSocket s = new ServerSocket(0)) {
      pgPort = s.getLocalPort();
    }
    EmbeddedPostgres pg = startPostgres(data, pgPort);
    ConfigurableApplicationContext app = null;
    try {
      Map<String, String> services = WaltTestServicesInitializer.properties();
      List<String> props = new ArrayList<>();
      services.forEach((k, v) -> props.add(k + "=" + v));
      props.addAll(List.of(
          "walt.db.url=jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres",
          "walt.db.user=postgres", "walt.db.password=",
          "server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
          "walt.auth.pepper=outage-test-pepper-0123456789abcdef01234",
          "walt.worker.threads=1", "walt.worker.poll-interval=500ms", "walt.worker.lease-duration=5s",
          "walt.worker.heartbeat-interval=1s", "walt.jobs.rescue-interval=500ms", "walt.jobs.retry-backoff=200ms",
          "walt.jobs.retry-backoff-max=1s", "walt.jobs.max-attempts=10"));
      app = new SpringApplicationBuilder(WaltApplication.class)
          .properties(props.toArray(String[]::new))
          .initializers(c -> c.getBeanFactory().registerSingleton("testGeneratorFactory", TestGenerator.factory()))
          .run();
      int port = ((WebServerApplicationContext) app).getWebServer().getPort();
      ApiKeys keys = app.getBean(ApiKeys.class);
      String key = keys.createKey(keys.createTenant("outage").id(), "outage",
          new ApiKeys.KeyOptions(100_000, 100_000, null)).orElseThrow().key();
      String base = "http://127.0.0.1:" + port;

      List<String> accepted = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        HttpResponse<String> r = create(base, key, i);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        accepted.add(id(r.body()));
      }

      pg.close(); // the database goes away (fast shutdown: connections are cut)

      List<Integer> during = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        long t0 = System.nanoTime();
        HttpResponse<String> r = i % 2 == 0 ? create(base, key, 100 + i) : get(base, key, accepted.get(i));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        during.add(r.statusCode());
        assertThat(r.statusCode()).as("during the outage: %s", r.body()).isEqualTo(503);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
            t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(millis).as("answered without hanging").isLessThan(10_000);
      }

      pg = startPostgres(data, pgPort);
      long back = System.nanoTime();
      String lastBody = "";
      int status = 0;
      while (System.nanoTime() - back < Duration.ofSeconds(30).toNanos()) {
        HttpResponse<String> r = create(base, key, 1000);
        status = r.statusCode();
        lastBody = r.body();
        if (status == 202) {
          accepted.add(id(r.body()));
          break;
        }
        Thread.sleep(100);
      }
      double recoverySeconds = (System.nanoTime() - back) / 1e9;
      System.out.printf("database outage: answers during the outage %s; accepting again %.2f s after the database's return%n",
          during, recoverySeconds);
      assertThat(status).as(lastBody).isEqualTo(202);
      assertThat(recoverySeconds).as("recovered by itself within 5 s").isLessThanOrEqualTo(5.0);

      JdbcClient jdbc = app.getBean(JdbcClient.class);
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
          assertThat(jdbc.sql("SELECT count(*) FROM video_jobs WHERE status = 'completed' AND id::text IN (:ids)")
              .param("ids", accepted).query(Long.class).single()).isEqualTo(accepted.size()));
    } finally {
      if (app != null) {
        app.close();
      }
      pg.close();
    }
  }

  private static EmbeddedPostgres startPostgres(Path data, int port) throws Exception {
    return EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(false)
        .setPort(port)
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setPGStartupWait(Duration.ofSeconds(60))
        .start();
  }

  private HttpResponse<String> create(String base, String key, int n) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + "/v1/videos"))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"noop outage " + n + "\",\"frames\":17,\"steps\":1,"
            + "\"size\":\"128x128\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String base, String key, String id) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + "/v1/videos/" + id))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String id(String body) {
    Matcher m = ID.matcher(body);
    assertThat(m.find()).as(body).isTrue();
    return m.group(1);
  }
}
