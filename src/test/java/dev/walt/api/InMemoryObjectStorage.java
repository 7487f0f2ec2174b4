package dev.walt.api;

import dev.walt.storage.ObjectStorage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/** Objects in memory, for web slice tests only (integration tests use a real S3 server). */
class InMemoryObjectStorage implements ObjectStorage {

  final Map<String, byte[]> objects = new ConcurrentSkipListMap<>();

  @Override
  public void put(String key, InputStream data, long size, String contentType) {
    try {
      objects.put(key, data.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public byte[] get(String key) {
    byte[] bytes = objects.get(key);
    if (bytes == null) {
      throw new IllegalArgumentException("no object " + key);
    }
    return bytes;
  }

  @Override
  public InputStream open(String key) {
    return new ByteArrayInputStream(get(key));
  }

  @Override
  public void delete(String key) {
    objects.remove(key);
  }

  @Override
  public boolean exists(String key) {
    return objects.containsKey(key);
  }

  @Override
  public List<String> list(String prefix) {
    return objects.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
  }

  @Override
  public URI presignedGet(String key, Duration expiry) {
    return URI.create("https://s3.test/bucket/" + key + "?X-Amz-Expires=" + expiry.toSeconds());
  }

  @Override
  public URI presignedGet(String key) {
    return presignedGet(key, Duration.ofHours(1));
  }

  @Override
  public String bucket() {
    return "bucket";
  }
}
