package dev.walt.jobs;

import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * The real PostgreSQL and S3 of the jobs tests: a fresh database per call on the PostgreSQL server
 * named by {@code WALT_TEST_PG_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/test}, user
 * postgres), and an in-process S3 server (s3proxy, in memory) shared by the JVM.
 *
 * <p>TODO(foundation): move to {@code dev.walt.testing.TestServices} once it is in main.
 */
public final class JobsTestServices {

  private static final String ADMIN_URL =
      System.getenv().getOrDefault("WALT_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  private static final String USER = System.getenv().getOrDefault("WALT_TEST_PG_USER", "postgres");
  private static final String PASSWORD = System.getenv().getOrDefault("WALT_TEST_PG_PASSWORD", "");
  private static final String ACCESS = "walt-test";
  private static final String SECRET = "walt-test-secret";

  private static S3Proxy s3;

  private JobsTestServices() {}

  public record Database(String url, String user, String password) {}

  /** Creates an empty database and returns its settings. */
  public static Database newDatabase() {
    String name = "walt_jobs_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, PASSWORD);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create a test database at " + ADMIN_URL, e);
    }
    String base = ADMIN_URL.substring(0, ADMIN_URL.lastIndexOf('/') + 1);
    return new Database(base + name, USER, PASSWORD);
  }

  public static synchronized URI s3Endpoint() {
    if (s3 == null) {
      try {
        S3Proxy proxy = S3Proxy.builder()
            .blobStore(new TransientNio2BlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET)
            .build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
          Thread.sleep(10);
        }
        s3 = proxy;
      } catch (Exception e) {
        throw new IllegalStateException("cannot start s3proxy", e);
      }
    }
    return URI.create("http://127.0.0.1:" + s3.getPort());
  }

  public static MinioClient s3Client() {
    return MinioClient.builder().endpoint(s3Endpoint().toString()).credentials(ACCESS, SECRET)
        .region("us-east-1").build();
  }

  /** A new empty bucket, as a {@link TestJobStorage}. */
  public static TestJobStorage newStorage() {
    MinioClient client = s3Client();
    String bucket = "walt-jobs-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    try {
      client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
    } catch (Exception e) {
      throw new IllegalStateException("cannot create bucket " + bucket, e);
    }
    return new TestJobStorage(client, bucket);
  }
}
