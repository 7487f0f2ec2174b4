package dev.walt.storage;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * S3-compatible object storage (placeholder of the contract owned by the storage feature; the API
 * compiles against these five operations).
 */
public interface ObjectStorage {

  void put(String key, InputStream content, long size, String contentType);

  Optional<InputStream> get(String key);

  void delete(String key);

  boolean exists(String key);

  URI presignedGet(String key, Duration validFor);
}
