package dev.walt.storage;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The S3-compatible object storage ({@code walt.s3.*}). With no {@code endpoint} the embedded S3 server
 * starts and provides endpoint and keys.
 *
 * @param endpoint internal endpoint the service talks to ({@code http://minio:9000},
 *     {@code https://s3.eu-west-1.amazonaws.com}); absent or blank: embedded S3 server
 * @param accessKey access key for {@code endpoint}
 * @param secretKey secret key for {@code endpoint}
 * @param bucket bucket holding all objects of this service
 * @param region region used for request signing
 * @param publicEndpoint address clients use to download (scheme, host and port, no path); presigned
 *     URLs are signed for it. Absent: signed for {@code endpoint}
 * @param presignExpiry default lifetime of presigned URLs (1 s to 7 days)
 * @param createBucket whether to create the bucket at start when it does not exist
 */
@ConfigurationProperties("walt.s3")
@Validated
public record StorageSettings(
    @Nullable URI endpoint,
    @Nullable String accessKey,
    @Nullable String secretKey,
    @DefaultValue("walt") @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]") String bucket,
    @DefaultValue("us-east-1") @NotBlank String region,
    @Nullable URI publicEndpoint,
    @DefaultValue("1h") Duration presignExpiry,
    @DefaultValue("true") boolean createBucket) {

  /** Longest lifetime of a SigV4 presigned URL. */
  public static final Duration MAX_PRESIGN_EXPIRY = Duration.ofDays(7);

  public StorageSettings {
    checkExpiry(presignExpiry);
    if (publicEndpoint != null && publicEndpoint.toString().isBlank()) {
      publicEndpoint = null;
    }
    if (endpoint != null && endpoint.toString().isBlank()) {
      endpoint = null;
    }
  }

  @Override
  public String toString() {
    return "StorageSettings[endpoint=" + endpoint + ", accessKey=" + accessKey
        + ", secretKey=" + (secretKey == null ? "none" : "(hidden)") + ", bucket=" + bucket + ", region=" + region
        + ", publicEndpoint=" + publicEndpoint + ", presignExpiry=" + presignExpiry + ", createBucket=" + createBucket + "]";
  }

  /** Throws {@link IllegalArgumentException} unless {@code expiry} is between 1 s and 7 days. */
  static void checkExpiry(Duration expiry) {
    if (expiry.compareTo(Duration.ofSeconds(1)) < 0 || expiry.compareTo(MAX_PRESIGN_EXPIRY) > 0) {
      throw new IllegalArgumentException("presigned URL expiry must be between 1s and 7d, was " + expiry);
    }
  }
}
