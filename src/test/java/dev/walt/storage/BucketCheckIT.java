package dev.walt.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walt.WaltApplication;
import dev.walt.testing.TestServices;
import dev.walt.testing.WaltTestServicesInitializer;
import io.minio.MinioClient;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.health.contributor.Status;

/** The bucket is ensured at start: created where allowed, a clear error naming bucket and endpoint where not. */
class BucketCheckIT {

  private static MinioObjectStorage storage(URI endpoint, String bucket) {
    TestServices.S3 s3 = TestServices.s3();
    MinioClient client =
        MinioClient.builder().endpoint(endpoint.toString()).credentials(s3.accessKey(), s3.secretKey()).region(s3.region()).build();
    return new MinioObjectStorage(client, client, bucket, endpoint, Duration.ofHours(1));
  }

  @Test
  void missingBucketIsCreatedWhenAllowed() {
    String bucket = TestServices.newBucketName();
    MinioObjectStorage storage = storage(TestServices.s3().endpoint(), bucket);
    storage.ensureBucket(true);
    storage.ensureBucket(true); // idempotent
    assertThat(storage.bucketReachable(TestServices.s3().client())).isTrue();
  }

  @Test
  void missingBucketThatMayNotBeCreatedIsAClearError() {
    String bucket = TestServices.newBucketName();
    URI endpoint = TestServices.s3().endpoint();
    assertThatThrownBy(() -> storage(endpoint, bucket).ensureBucket(false))
        .isInstanceOf(BucketUnavailableException.class)
        .hasMessageContaining("'" + bucket + "'")
        .hasMessageContaining(endpoint.toString())
        .hasMessageContaining("walt.s3.create-bucket");
  }

  @Test
  void wrongCredentialsAreAClearError() {
    TestServices.S3 s3 = TestServices.s3();
    MinioClient client =
        MinioClient.builder().endpoint(s3.endpoint().toString()).credentials(s3.accessKey(), "wrong-secret").region(s3.region()).build();
    MinioObjectStorage storage = new MinioObjectStorage(client, client, "walt", s3.endpoint(), Duration.ofHours(1));
    assertThatThrownBy(() -> storage.ensureBucket(true))
        .isInstanceOf(BucketUnavailableException.class)
        .hasMessageContaining("cannot reach bucket 'walt' at " + s3.endpoint())
        .hasMessageMatching("(?s).*(AccessDenied|SignatureDoesNotMatch|InvalidAccessKeyId|Forbidden).*");
  }

  @Test
  void unreachableEndpointIsAClearError() {
    URI endpoint = URI.create("http://127.0.0.1:9");
    assertThatThrownBy(() -> storage(endpoint, "walt").ensureBucket(true))
        .isInstanceOf(BucketUnavailableException.class)
        .hasMessageContaining("cannot reach bucket 'walt' at http://127.0.0.1:9");
  }

  @Test
  void healthIsDownWhileTheBucketDoesNotAnswer() {
    TestServices.S3 s3 = TestServices.s3();
    String bucket = TestServices.newBucket();
    MinioObjectStorage storage = storage(s3.endpoint(), bucket);
    assertThat(new StorageHealthIndicator(storage, s3.client()).health().getStatus()).isEqualTo(Status.UP);
    MinioClient deadEndpoint =
        MinioClient.builder().endpoint("http://127.0.0.1:9").credentials("a", "b").region(s3.region()).build();
    var down = new StorageHealthIndicator(storage, deadEndpoint).health();
    assertThat(down.getStatus()).isEqualTo(Status.DOWN);
    assertThat(down.getDetails()).containsEntry("bucket", bucket);
    MinioClient missingBucket = s3.client();
    var missing = new StorageHealthIndicator(storage(s3.endpoint(), TestServices.newBucketName()), missingBucket).health();
    assertThat(missing.getStatus()).isEqualTo(Status.DOWN);
  }

  @Test
  void failureAnalysisNamesBucketAndEndpoint() {
    var analysis = new BucketUnavailableFailureAnalyzer()
        .analyze(new IllegalStateException(new BucketUnavailableException("bucket 'b' does not exist at http://s3")));
    assertThat(analysis).isNotNull();
    assertThat(analysis.getDescription()).isEqualTo("bucket 'b' does not exist at http://s3");
    assertThat(analysis.getAction()).contains("WALT_S3_BUCKET");
  }

  @Test
  void applicationDoesNotStartWithoutItsBucket() {
    Map<String, String> properties = WaltTestServicesInitializer.properties();
    String bucket = properties.get("walt.s3.bucket");
    SpringApplicationBuilder app =
        new SpringApplicationBuilder(WaltApplication.class)
            .web(WebApplicationType.NONE)
            .properties(Map.<String, Object>copyOf(properties))
            .properties("walt.s3.create-bucket=false");
    assertThatThrownBy(() -> app.run().close())
        .hasRootCauseInstanceOf(BucketUnavailableException.class)
        .rootCause()
        .hasMessageContaining("bucket '" + bucket + "' does not exist at " + properties.get("walt.s3.endpoint"));
  }
}
