package dev.walt.storage;

import java.net.URI;

/**
 * Where the S3-compatible server answers the service (the internal endpoint) and the keys it accepts:
 * either from {@link StorageSettings} or from the embedded server.
 */
public record S3Connection(URI endpoint, String accessKey, String secretKey) {

  @Override
  public String toString() {
    return "S3Connection[" + endpoint + ", access key " + accessKey + "]";
  }
}
