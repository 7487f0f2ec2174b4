package dev.walt.jobs;

import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.Http;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.messages.Item;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link JobStorage} over a real S3 server for tests, plus what tests inspect (existence, listing,
 * presigned URLs).
 */
public final class TestJobStorage implements JobStorage {

  private final MinioClient client;
  private final String bucket;

  public TestJobStorage(MinioClient client, String bucket) {
    this.client = client;
    this.bucket = bucket;
  }

  public String bucket() {
    return bucket;
  }

  @Override
  public void put(String key, byte[] bytes, String contentType) {
    try {
      client.putObject(PutObjectArgs.builder().bucket(bucket).object(key).data(bytes, bytes.length)
          .contentType(contentType).build());
    } catch (Exception e) {
      throw new IllegalStateException("put " + key, e);
    }
  }

  @Override
  public byte[] get(String key) {
    try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
      return in.readAllBytes();
    } catch (Exception e) {
      throw new IllegalStateException("get " + key, e);
    }
  }

  @Override
  public void delete(String key) {
    try {
      client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
    } catch (Exception e) {
      throw new IllegalStateException("delete " + key, e);
    }
  }

  @Override
  public void deletePrefix(String prefix) {
    for (String key : list(prefix)) {
      delete(key);
    }
  }

  public List<String> list(String prefix) {
    List<String> keys = new ArrayList<>();
    try {
      for (Result<Item> item : client.listObjects(
          ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build())) {
        keys.add(item.get().objectName());
      }
    } catch (Exception e) {
      throw new IllegalStateException("list " + prefix, e);
    }
    return keys;
  }

  public boolean exists(String key) {
    try {
      client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  public String presign(String key) {
    try {
      return client.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(Http.Method.GET)
          .bucket(bucket).object(key).expiry(10, TimeUnit.MINUTES).build());
    } catch (Exception e) {
      throw new IllegalStateException("presign " + key, e);
    }
  }
}
