package dev.walt.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses and starts the test JVM's PostgreSQL and S3 server, once each, on first use.
 *
 * <p>Order: (1) environment variables, (2) Testcontainers when a Docker engine answers, (3) embedded.
 * The Docker probe is skipped without touching Testcontainers when no Docker endpoint is configured
 * or present, so machines without Docker fall through to the embedded servers at once.
 */
final class ServiceSources {

  private static final Logger log = LoggerFactory.getLogger(ServiceSources.class);

  static final String DB_URL = "WALT_TEST_DB_URL";
  static final String DB_USER = "WALT_TEST_DB_USER";
  static final String DB_PASSWORD = "WALT_TEST_DB_PASSWORD";
  static final String S3_ENDPOINT = "WALT_TEST_S3_ENDPOINT";
  static final String S3_ACCESS_KEY = "WALT_TEST_S3_ACCESS_KEY";
  static final String S3_SECRET_KEY = "WALT_TEST_S3_SECRET_KEY";
  static final String S3_REGION = "WALT_TEST_S3_REGION";
  /** Set to {@code false} to skip the Testcontainers probe even where Docker runs. */
  static final String USE_DOCKER = "WALT_TEST_DOCKER";

  private static final String POSTGRES_IMAGE = "postgres:17-alpine";
  private static final String MINIO_IMAGE = "minio/minio:RELEASE.2023-09-04T19-57-37Z";
  private static final String REGION = "us-east-1";

  private static @Nullable Postgres postgres;
  private static TestServices.@Nullable S3 s3;
  private static @Nullable Boolean dockerAvailable;

  private ServiceSources() {}

  /** A PostgreSQL server and the databases this JVM created on it. */
  static final class Postgres {
    private final TestServices.Database admin;
    private final String source;
    private final List<String> created = new ArrayList<>();

    Postgres(TestServices.Database admin, String source) {
      this.admin = admin;
      this.source = source;
    }

    TestServices.Database admin() {
      return admin;
    }

    String source() {
      return source;
    }

    synchronized void created(String database) {
      created.add(database);
    }

    /** Drops the databases this JVM created (only on servers that outlive it). */
    synchronized void dropCreated() {
      try (Connection c = admin.connect();
          Statement s = c.createStatement()) {
        for (String name : created) {
          s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
      } catch (SQLException e) {
        log.debug("could not drop test databases", e);
      }
    }
  }

  static synchronized Postgres postgres() {
    if (postgres == null) {
      postgres = startPostgres();
      log.info("test PostgreSQL ({}): {}", postgres.source(), postgres.admin().jdbcUrl());
    }
    return postgres;
  }

  static synchronized TestServices.S3 s3() {
    if (s3 == null) {
      s3 = startS3();
      log.info("test S3 ({}): {}", s3.source(), s3.endpoint());
    }
    return s3;
  }

  private static Postgres startPostgres() {
    String url = env(DB_URL);
    if (url != null) {
      Postgres pg =
          new Postgres(
              new TestServices.Database(url, envOr(DB_USER, "postgres"), envOr(DB_PASSWORD, "")),
              "environment");
      Runtime.getRuntime().addShutdownHook(new Thread(pg::dropCreated, "walt-test-db-cleanup"));
      return pg;
    }
    if (dockerAvailable()) {
      try {
        return Containers.postgres(POSTGRES_IMAGE);
      } catch (RuntimeException | LinkageError e) {
        log.warn("Testcontainers PostgreSQL failed, using embedded PostgreSQL: {}", e.toString());
      }
    }
    return embeddedPostgres();
  }

  private static TestServices.S3 startS3() {
    String endpoint = env(S3_ENDPOINT);
    if (endpoint != null) {
      return new TestServices.S3(
          URI.create(endpoint),
          envOr(S3_ACCESS_KEY, ""),
          envOr(S3_SECRET_KEY, ""),
          envOr(S3_REGION, REGION),
          "environment");
    }
    if (dockerAvailable()) {
      try {
        return Containers.minio(MINIO_IMAGE, REGION);
      } catch (RuntimeException | LinkageError e) {
        log.warn("Testcontainers MinIO failed, using embedded s3proxy: {}", e.toString());
      }
    }
    return embeddedS3();
  }

  private static Postgres embeddedPostgres() {
    try {
      EmbeddedPostgres pg =
          EmbeddedPostgres.builder()
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setServerConfig("fsync", "off")
              .setServerConfig("synchronous_commit", "off")
              .setServerConfig("full_page_writes", "off")
              .setServerConfig("max_connections", "300")
              .setPGStartupWait(Duration.ofSeconds(60))
              .start();
      // EmbeddedPostgres registers its own shutdown hook that stops the server and deletes its data.
      return new Postgres(
          new TestServices.Database(pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres"),
          "embedded");
    } catch (IOException e) {
      throw new IllegalStateException("cannot start embedded PostgreSQL for tests", e);
    }
  }

  private static TestServices.S3 embeddedS3() {
    try {
      Path root = Files.createTempDirectory("walt-test-s3-");
      SecureRandom random = new SecureRandom();
      String accessKey = "walt" + hex(random, 8);
      String secretKey = hex(random, 20);
      S3Proxy proxy =
          S3Proxy.builder()
              .blobStore(new FilesystemNio2BlobStore(root.toString()))
              .endpoint(URI.create("http://127.0.0.1:0"))
              .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
              .build();
      proxy.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!"STARTED".equals(proxy.getState()) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      proxy.stop();
                    } catch (Exception e) {
                      log.debug("s3proxy stop failed", e);
                    }
                    deleteTree(root);
                  },
                  "walt-test-s3-stop"));
      return new TestServices.S3(
          URI.create("http://127.0.0.1:" + proxy.getPort()), accessKey, secretKey, REGION, "embedded");
    } catch (Exception e) {
      throw new IllegalStateException("cannot start embedded s3proxy for tests", e);
    }
  }

  /**
   * Whether a Docker engine answers. Only asks Testcontainers when a Docker endpoint is configured or a
   * socket file exists, and gives it at most 20 seconds.
   */
  static synchronized boolean dockerAvailable() {
    if (dockerAvailable == null) {
      dockerAvailable = probeDocker();
    }
    return dockerAvailable;
  }

  private static boolean probeDocker() {
    if ("false".equalsIgnoreCase(env(USE_DOCKER))) {
      return false;
    }
    if (!dockerEndpointConfigured()) {
      return false;
    }
    try {
      return CompletableFuture.supplyAsync(Containers::dockerAvailable).get(20, TimeUnit.SECONDS);
    } catch (Exception | LinkageError e) {
      log.info("no Docker engine answered ({}); using embedded test services", e.toString());
      return false;
    }
  }

  private static boolean dockerEndpointConfigured() {
    if (env("DOCKER_HOST") != null) {
      return true;
    }
    String home = System.getProperty("user.home", "");
    if (Files.isRegularFile(Path.of(home, ".testcontainers.properties"))) {
      return true;
    }
    List<Path> sockets =
        new ArrayList<>(
            List.of(
                Path.of("/var/run/docker.sock"),
                Path.of(home, ".docker", "run", "docker.sock"),
                Path.of(home, ".docker", "desktop", "docker.sock"),
                Path.of(home, ".rd", "docker.sock"),
                Path.of(home, ".colima", "default", "docker.sock")));
    String runtimeDir = env("XDG_RUNTIME_DIR");
    if (runtimeDir != null) {
      sockets.add(Path.of(runtimeDir, "docker.sock"));
      sockets.add(Path.of(runtimeDir, "podman", "podman.sock"));
    }
    return sockets.stream().anyMatch(Files::exists);
  }

  private static @Nullable String env(String name) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  private static String envOr(String name, String fallback) {
    String value = env(name);
    return value == null ? fallback : value;
  }

  private static String hex(SecureRandom random, int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b).toLowerCase(Locale.ROOT);
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.debug("could not delete {}", root, e);
    }
  }

  /** Testcontainers access, kept in its own class so that it is loaded only where Docker answers. */
  private static final class Containers {

    static boolean dockerAvailable() {
      return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
    }

    static Postgres postgres(String image) {
      var container = new org.testcontainers.postgresql.PostgreSQLContainer(image);
      container.withCommand("postgres", "-c", "fsync=off", "-c", "max_connections=300");
      container.start();
      // Ryuk removes the container when the JVM ends.
      return new Postgres(
          new TestServices.Database(
              TestServices.withDatabase(container.getJdbcUrl(), "postgres"),
              container.getUsername(),
              container.getPassword()),
          "testcontainers");
    }

    static TestServices.S3 minio(String image, String region) {
      var container = new org.testcontainers.containers.MinIOContainer(image);
      container.withEnv(Map.of("MINIO_REGION", region));
      container.start();
      return new TestServices.S3(
          URI.create(container.getS3URL()),
          container.getUserName(),
          container.getPassword(),
          region,
          "testcontainers");
    }
  }
}
