package dev.walt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walt.system.Role;
import dev.walt.system.RoleSettings;
import dev.walt.testing.WaltIntegrationTest;
import dev.walt.worker.WorkerPool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The whole application as the chart's and compose's worker process ({@code walt.roles=worker}): it
 * serves Actuator (the probes) and no {@code /v1} endpoint and no OpenAPI document.
 */
@WaltIntegrationTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "walt.roles=worker")
class WorkerRoleIT {

  /** A model folder without weights: readiness stays OUT_OF_SERVICE however fast the machine is. */
  @org.springframework.test.context.DynamicPropertySource
  static void modelWithoutWeights(org.springframework.test.context.DynamicPropertyRegistry registry) {
    registry.add("walt.model.path", () -> dev.walt.worker.walt.SmallModel.folder().toString());
  }

  @LocalServerPort int port;
  @Autowired RoleSettings roles;
  @Autowired ApplicationContext context;
  @Autowired @Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping mappings;

  @Test
  void aWorkerServesProbesButNoApi() throws Exception {
    assertThat(roles.has(Role.WORKER)).isTrue();
    assertThat(roles.has(Role.API)).isFalse();
    assertThat(context.getBeanNamesForType(WorkerPool.class)).hasSize(1);

    assertThat(get("/actuator/health/liveness")).isEqualTo(200);
    // a worker is ready only once its model is loaded and warmed up: a model folder without weights never
    // is, so readiness is 503 OUT_OF_SERVICE (see HealthWithoutWeightsIT); the process is live
    assertThat(get("/actuator/health/readiness")).isEqualTo(503);
    assertThat(get("/v3/api-docs")).isEqualTo(404);
    assertThat(get("/playground/config")).isEqualTo(404);
    assertThat(mappings.getHandlerMethods().keySet())
        .flatMap(info -> info.getPatternValues())
        .noneMatch(pattern -> pattern.startsWith("/v1"));
  }

  private int get(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
