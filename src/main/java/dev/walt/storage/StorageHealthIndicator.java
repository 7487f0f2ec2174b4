package dev.walt.storage;

import io.minio.MinioClient;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of the object storage ({@code storage} in {@code /actuator/health}, part of the readiness
 * group): UP while the bucket answers within a few seconds.
 */
final class StorageHealthIndicator implements HealthIndicator {

  private final MinioObjectStorage storage;
  private final MinioClient probe;

  StorageHealthIndicator(MinioObjectStorage storage, MinioClient probe) {
    this.storage = storage;
    this.probe = probe;
  }

  @Override
  public Health health() {
    Health.Builder health = storage.bucketReachable(probe) ? Health.up() : Health.down();
    return health.withDetail("bucket", storage.bucket()).build();
  }
}
