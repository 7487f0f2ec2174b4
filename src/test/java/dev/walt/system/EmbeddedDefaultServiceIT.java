package dev.walt.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walt.storage.ObjectStorage;
import dev.walt.storage.S3Connection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole service on the embedded default (no database or S3 endpoint configured): embedded
 * PostgreSQL and S3 start under {@code walt.data-dir}, Flyway migrates, health with its liveness and
 * readiness groups is UP, and the OpenAPI document and Swagger UI are served.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@DirtiesContext // stop the embedded servers after this class
class EmbeddedDefaultServiceIT {

  private static final Path DATA_DIR = EmbeddedDefault.dataDir("walt-embedded-it-");

  @DynamicPropertySource
  static void embeddedDefault(DynamicPropertyRegistry registry) {
    EmbeddedDefault.register(registry, DATA_DIR);
    // API role only: this class checks the services, not the worker (BundledModelServiceIT runs both roles)
    registry.add("walt.worker.enabled", () -> "false");
  }

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @LocalServerPort int port;
  @Autowired HealthEndpointGroups groups;
  @Autowired JdbcClient jdbc;
  @Autowired DatabaseConnection database;
  @Autowired S3Connection s3;
  @Autowired ObjectStorage storage;

  private HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthIsUpWithLivenessAndReadinessGroups() throws Exception {
    HttpResponse<String> health = get("/actuator/health");
    assertThat(health.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(health.body());
    assertThat(body.path("status").asString()).isEqualTo("UP");
    assertThat(body.path("groups").values()).extracting(JsonNode::asString).contains("liveness", "readiness");

    for (String group : new String[] {"liveness", "readiness"}) {
      HttpResponse<String> response = get("/actuator/health/" + group);
      assertThat(response.statusCode()).as(group).isEqualTo(200);
      assertThat(JSON.readTree(response.body()).path("status").asString()).as(group).isEqualTo("UP");
    }
  }

  @Test
  void readinessChecksDatabaseAndStorageAndLivenessChecksNothingExternal() {
    assertThat(groups.get("readiness").isMember("db")).isTrue();
    assertThat(groups.get("readiness").isMember("storage")).isTrue();
    assertThat(groups.get("readiness").isMember("readinessState")).isTrue();
    assertThat(groups.get("readiness").isMember("workers")).isTrue();
    assertThat(groups.get("liveness").isMember("livenessState")).isTrue();
    assertThat(groups.get("liveness").isMember("db")).isFalse();
    assertThat(groups.get("liveness").isMember("storage")).isFalse();
  }

  @Test
  void embeddedServersRunOnLoopbackWithDataInTheDataFolder() throws Exception {
    assertThat(database.jdbcUrl()).startsWith("jdbc:postgresql://127.0.0.1:").endsWith("/walt");
    assertThat(s3.endpoint().getHost()).isEqualTo("127.0.0.1");
    assertThat(DATA_DIR.resolve("postgres/PG_VERSION")).exists();
    assertThat(DATA_DIR.resolve("s3")).isDirectory();
    assertThat(Files.getPosixFilePermissions(DATA_DIR.resolve("s3-credentials.properties")))
        .extracting(Object::toString)
        .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
    // durable, unlike zonky's test defaults (fsync off)
    assertThat(jdbc.sql("SHOW fsync").query(String.class).single()).isEqualTo("on");
    assertThat(jdbc.sql("SHOW synchronous_commit").query(String.class).single()).isEqualTo("on");
    // Flyway ran V1
    assertThat(jdbc.sql("SELECT value FROM walt_meta WHERE key = 'schema_owner'").query(String.class).single())
        .isEqualTo("walt");
    // the bucket exists and holds objects
    storage.put("probe.txt", "ok".getBytes(), "text/plain");
    assertThat(storage.get("probe.txt")).isEqualTo("ok".getBytes());
    assertThat(DATA_DIR.resolve("s3").resolve(storage.bucket())).isDirectory();
  }

  @Test
  void openApiDocumentAndSwaggerUiAreServed() throws Exception {
    HttpResponse<String> docs = get("/v3/api-docs");
    assertThat(docs.statusCode()).isEqualTo(200);
    JsonNode api = JSON.readTree(docs.body());
    assertThat(api.path("openapi").asString()).startsWith("3.");
    assertThat(api.path("info").path("title").asString()).isEqualTo("walt");
    assertThat(api.path("info").path("version").asString()).isNotBlank();
    JsonNode scheme = api.path("components").path("securitySchemes").path("apiKey");
    assertThat(scheme.path("type").asString()).isEqualTo("http");
    assertThat(scheme.path("scheme").asString()).isEqualTo("bearer");

    HttpResponse<String> ui = get("/swagger-ui.html");
    assertThat(ui.statusCode()).isEqualTo(302);
    String location = ui.headers().firstValue("Location").orElseThrow();
    assertThat(location).endsWith("/swagger-ui/index.html");
    HttpResponse<String> index = get(URI.create(location).getPath());
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.body()).containsIgnoringCase("swagger-ui");
  }
}
