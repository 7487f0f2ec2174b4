package dev.walt.testing;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real PostgreSQL and S3 server shared by all integration tests of one test JVM.
 *
 * <p>The first call decides where each service comes from (see {@link ServiceSources}): environment
 * variables, else Testcontainers when a Docker engine answers, else embedded servers started in this
 * JVM. Each test that needs isolation asks for its own {@link #newDatabase() database} and
 * {@link #newBucket() bucket}; nothing is ever skipped for lack of a service.
 *
 * <pre>{@code
 * TestServices.Database db = TestServices.newDatabase();
 * try (Connection c = db.connect()) { ... }
 * TestServices.S3 s3 = TestServices.s3();
 * String bucket = TestServices.newBucket();
 * }</pre>
 */
public final class TestServices {

  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static final String RUN_ID =
      UUID.randomUUID().toString().replace("-", "").substring(0, 8).toLowerCase(Locale.ROOT);

  private TestServices() {}

  /** Connection settings of a PostgreSQL database. */
  public record Database(String jdbcUrl, String user, String password) {

    /** Opens a new connection (the caller closes it). */
    public Connection connect() throws SQLException {
      return DriverManager.getConnection(jdbcUrl, user, password);
    }
  }

  /** An S3 endpoint and credentials (path-style access). */
  public record S3(URI endpoint, String accessKey, String secretKey, String region, String source) {

    /** A MinIO client for this server, for tests that inspect the bucket directly. */
    public MinioClient client() {
      return MinioClient.builder()
          .endpoint(endpoint.toString())
          .credentials(accessKey, secretKey)
          .region(region)
          .build();
    }
  }

  /** The server-level (administrative) database; prefer {@link #newDatabase()} in tests. */
  public static Database adminDatabase() {
    return ServiceSources.postgres().admin();
  }

  /** Where the PostgreSQL server comes from: {@code environment}, {@code testcontainers} or {@code embedded}. */
  public static String postgresSource() {
    return ServiceSources.postgres().source();
  }

  /** The shared S3 server. */
  public static S3 s3() {
    return ServiceSources.s3();
  }

  /** Creates an empty database on the shared server and returns its connection settings. */
  public static Database newDatabase() {
    ServiceSources.Postgres pg = ServiceSources.postgres();
    String name = "walt_t" + RUN_ID + "_" + SEQUENCE.incrementAndGet();
    try (Connection c = pg.admin().connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name + " on " + pg.admin().jdbcUrl(), e);
    }
    pg.created(name);
    return new Database(withDatabase(pg.admin().jdbcUrl(), name), pg.admin().user(), pg.admin().password());
  }

  /** A bucket name not used before in this run (not created: the application under test creates it). */
  public static String newBucketName() {
    return "walt-t" + RUN_ID + "-" + SEQUENCE.incrementAndGet();
  }

  /** Creates a new empty bucket on the shared S3 server and returns its name. */
  public static String newBucket() {
    String bucket = newBucketName();
    S3 s3 = s3();
    try {
      MinioClient client = s3.client();
      if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
        client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot create test bucket " + bucket + " at " + s3.endpoint(), e);
    }
    return bucket;
  }

  /** Replaces the database name in a {@code jdbc:postgresql://host:port/db?params} URL. */
  static String withDatabase(String jdbcUrl, String database) {
    String prefix = "jdbc:postgresql://";
    if (!jdbcUrl.startsWith(prefix)) {
      throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + jdbcUrl);
    }
    int hostStart = prefix.length();
    int slash = jdbcUrl.indexOf('/', hostStart);
    int query = jdbcUrl.indexOf('?', hostStart);
    String hosts;
    String params;
    if (slash < 0 || (query >= 0 && query < slash)) {
      hosts = jdbcUrl.substring(hostStart, query < 0 ? jdbcUrl.length() : query);
      params = query < 0 ? "" : jdbcUrl.substring(query);
    } else {
      hosts = jdbcUrl.substring(hostStart, slash);
      params = query < 0 ? "" : jdbcUrl.substring(query);
    }
    return prefix + hosts + "/" + database + params;
  }
}
