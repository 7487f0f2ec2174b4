package dev.walt.storage;

import dev.walt.system.ConditionalOnSetting;
import io.minio.MinioClient;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@link ObjectStorage} bean, its bucket ensured at start, and the storage health indicator. */
@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

  /** With {@code walt.s3.endpoint} set, storage uses that server (else the embedded one provides the connection). */
  @Bean
  @ConditionalOnSetting("walt.s3.endpoint")
  S3Connection s3Connection(StorageSettings settings) {
    if (isBlank(settings.accessKey()) || isBlank(settings.secretKey())) {
      throw new IllegalStateException(
          "walt.s3.endpoint is " + settings.endpoint()
              + " but walt.s3.access-key / walt.s3.secret-key (WALT_S3_ACCESS_KEY / WALT_S3_SECRET_KEY) are not set");
    }
    return new S3Connection(
        Objects.requireNonNull(settings.endpoint()),
        Objects.requireNonNull(settings.accessKey()),
        Objects.requireNonNull(settings.secretKey()));
  }

  /**
   * The HTTP client of all storage calls. Built once: each {@code OkHttpClient.Builder.build()} without
   * a socket factory parses the JDK trust store again, which costs seconds on a busy machine.
   */
  @Bean(destroyMethod = "")
  OkHttpClient storageHttpClient() {
    return new OkHttpClient.Builder()
        .connectTimeout(Duration.ofSeconds(10))
        .readTimeout(Duration.ofMinutes(2))
        .writeTimeout(Duration.ofMinutes(2))
        .build();
  }

  @Bean
  MinioObjectStorage objectStorage(S3Connection connection, StorageSettings settings, OkHttpClient storageHttpClient) {
    MinioClient client = client(connection.endpoint(), connection, settings.region(), storageHttpClient);
    URI publicEndpoint = settings.publicEndpoint();
    MinioClient signer =
        publicEndpoint == null
            ? client
            : client(checkPublicEndpoint(publicEndpoint), connection, settings.region(), storageHttpClient);
    MinioObjectStorage storage =
        new MinioObjectStorage(client, signer, settings.bucket(), connection.endpoint(), settings.presignExpiry());
    storage.ensureBucket(settings.createBucket());
    return storage;
  }

  @Bean
  StorageHealthIndicator storageHealthIndicator(
      MinioObjectStorage storage, S3Connection connection, StorageSettings settings, OkHttpClient storageHttpClient) {
    // same connection pool and TLS setup, short timeouts: a health probe must answer quickly
    OkHttpClient http =
        storageHttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).callTimeout(Duration.ofSeconds(3)).build();
    return new StorageHealthIndicator(storage, client(connection.endpoint(), connection, settings.region(), http));
  }

  /**
   * A client for {@code endpoint}. The region is set so that the client never asks the server for the
   * bucket's location; this is what lets the signer for the public endpoint work offline.
   */
  private static MinioClient client(URI endpoint, S3Connection connection, String region, OkHttpClient http) {
    return MinioClient.builder()
        .endpoint(endpoint.toString())
        .credentials(connection.accessKey(), connection.secretKey())
        .region(region)
        .httpClient(http)
        .build();
  }

  private static URI checkPublicEndpoint(URI uri) {
    String path = uri.getRawPath();
    if (uri.getScheme() == null
        || uri.getHost() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
        || (path != null && !path.isEmpty() && !path.equals("/"))
        || uri.getRawQuery() != null) {
      throw new IllegalStateException(
          "walt.s3.public-endpoint must be http(s)://host[:port] without a path, was " + uri);
    }
    return uri;
  }

  private static boolean isBlank(@Nullable String s) {
    return s == null || s.isBlank();
  }
}
