package dev.walt.storage;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Objects in the service's bucket, addressed by key ({@code videos/<job>/<attempt>/video.mp4}).
 *
 * <p>All failures are unchecked {@link StorageException}s; a missing object on read is an
 * {@link ObjectNotFoundException}. Thread-safe.
 */
public interface ObjectStorage {

  /**
   * Stores {@code data} under {@code key}, streaming it (not buffered whole in memory), replacing any
   * object with that key. The stream is read to its end but not closed.
   *
   * @param size exact number of bytes in {@code data}, or -1 when unknown (uploaded in parts)
   */
  void put(String key, InputStream data, long size, String contentType);

  /** Stores {@code data} under {@code key}. */
  default void put(String key, byte[] data, String contentType) {
    put(key, new ByteArrayInputStream(data), data.length, contentType);
  }

  /** The whole object, for small objects. */
  byte[] get(String key);

  /** A stream of the object's bytes; the caller closes it. */
  InputStream open(String key);

  /** Deletes the object; deleting a missing object is not an error. */
  void delete(String key);

  /** Whether an object with this key exists. */
  boolean exists(String key);

  /** Keys starting with {@code prefix} (recursively), in lexicographic order. */
  List<String> list(String prefix);

  /**
   * A URL that lets anyone holding it GET the object until it expires, signed for the public endpoint
   * where one is configured. The object need not exist yet.
   *
   * @param expiry lifetime of the URL, 1 s to 7 days
   */
  URI presignedGet(String key, Duration expiry);

  /** {@link #presignedGet(String, Duration)} with the configured default expiry ({@code walt.s3.presign-expiry}). */
  URI presignedGet(String key);

  /** The name of the bucket. */
  String bucket();
}
