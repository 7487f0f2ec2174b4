package dev.walt.worker.walt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walt.testing.WaltIntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Both roles, and a model folder without weights (as the bundled walt-tiny before it is trained): the
 * process, its database and its bucket work, so {@code /actuator/health} and liveness are UP; no worker
 * can take generation work, so readiness is OUT_OF_SERVICE (503) and keeps the replica out of traffic.
 */
@WaltIntegrationTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class HealthWithoutWeightsIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @DynamicPropertySource
  static void modelWithoutWeights(DynamicPropertyRegistry registry) {
    registry.add("walt.model.path", () -> SmallModel.folder().toString()); // config.json only
    registry.add("walt.roles", () -> "api,worker");
  }

  @LocalServerPort int port;

  private HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String status(HttpResponse<String> response) {
    return JSON.readTree(response.body()).path("status").asString();
  }

  @Test
  void healthAndLivenessUpReadinessOutOfService() throws Exception {
    HttpResponse<String> health = get("/actuator/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(status(health)).isEqualTo("UP");

    HttpResponse<String> liveness = get("/actuator/health/liveness");
    assertThat(liveness.statusCode()).isEqualTo(200);
    assertThat(status(liveness)).isEqualTo("UP");

    HttpResponse<String> readiness = get("/actuator/health/readiness");
    assertThat(readiness.statusCode()).isEqualTo(503);
    assertThat(status(readiness)).isEqualTo("OUT_OF_SERVICE");
  }
}
