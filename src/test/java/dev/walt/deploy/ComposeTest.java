package dev.walt.deploy;

import static dev.walt.deploy.Manifests.at;
import static dev.walt.deploy.Manifests.atMap;
import static dev.walt.deploy.Manifests.map;
import static dev.walt.deploy.Manifests.maps;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docker-compose.yml as the Compose file format reads it (YAML anchors and merge keys resolved): the
 * start order through health checks and one-shot services, the roles, and the GPU worker. {@code
 * .ci/run} validates the file with {@code docker-compose config} as well.
 */
class ComposeTest {

  static Map<String, Object> services;

  @BeforeAll
  static void load() throws IOException {
    Map<String, Object> compose = map(new Yaml(new SafeConstructor(new LoaderOptions()))
        .load(Files.readString(Path.of("docker-compose.yml"))));
    services = atMap(compose, "services");
    assertThat(atMap(compose, "volumes")).containsKeys("postgres-data", "minio-data");
  }

  @Test
  void servicesOfOneImageInTheirRoles() {
    assertThat(services).containsOnlyKeys("postgres", "minio", "create-bucket", "migrate", "api", "worker", "worker-gpu");
    assertThat(at(services, "api.image")).isEqualTo(at(services, "worker.image")).isEqualTo(at(services, "migrate.image"));
    assertThat(at(services, "migrate.command")).isEqualTo(List.of("migrate"));
    assertThat(at(services, "api.environment.WALT_ROLES")).isEqualTo("api");
    assertThat(at(services, "worker.environment.WALT_ROLES")).isEqualTo("worker");
    assertThat(at(services, "worker-gpu.environment.WALT_ROLES")).isEqualTo("worker");
    for (String service : List.of("api", "worker", "worker-gpu")) {
      // the shared settings reached every service through the YAML merge key
      assertThat(atMap(services, service + ".environment"))
          .containsKeys("WALT_DB_URL", "WALT_S3_ENDPOINT", "WALT_S3_ACCESS_KEY", "WALT_S3_SECRET_KEY",
              "WALT_AUTH_PEPPER", "WALT_AUTH_ADMIN_KEY")
          .containsEntry("SPRING_FLYWAY_ENABLED", "false");
    }
    assertThat(at(services, "api.ports")).isEqualTo(List.of("8080:8080"));
  }

  @Test
  void everythingWaitsForHealthyOrFinishedDependencies() {
    assertThat(at(services, "postgres.image")).isEqualTo("postgres:17");
    assertThat((List<?>) at(services, "postgres.healthcheck.test")).anySatisfy(t -> assertThat((String) t).contains("pg_isready"));
    assertThat(at(services, "minio.healthcheck.test")).isEqualTo(List.of("CMD", "mc", "ready", "local"));
    assertThat(at(services, "create-bucket.depends_on.minio.condition")).isEqualTo("service_healthy");
    assertThat(at(services, "migrate.depends_on.postgres.condition")).isEqualTo("service_healthy");
    for (String service : List.of("api", "worker", "worker-gpu")) {
      assertThat(atMap(services, service + ".depends_on"))
          .isEqualTo(Map.of(
              "migrate", Map.of("condition", "service_completed_successfully"),
              "minio", Map.of("condition", "service_healthy"),
              "create-bucket", Map.of("condition", "service_completed_successfully")));
    }
  }

  @Test
  void theGpuWorkerIsAProfileThatReservesNvidiaDevices() {
    assertThat(at(services, "worker-gpu.profiles")).isEqualTo(List.of("gpu"));
    assertThat(at(services, "worker-gpu.build.args.VARIANT")).isEqualTo("cuda");
    Map<String, Object> device = maps(at(services, "worker-gpu.deploy.resources.reservations.devices")).get(0);
    assertThat(device).containsEntry("driver", "nvidia").containsEntry("capabilities", List.of("gpu"));
    assertThat(atMap(services, "worker")).doesNotContainKeys("profiles", "deploy");
  }
}
