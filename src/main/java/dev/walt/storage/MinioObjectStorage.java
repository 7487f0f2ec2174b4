package dev.walt.storage;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.Http;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link ObjectStorage} on an S3-compatible server through the MinIO client. */
final class MinioObjectStorage implements ObjectStorage {

  private static final Logger log = LoggerFactory.getLogger(MinioObjectStorage.class);
  /** Part size for uploads of unknown length (S3 minimum is 5 MiB). */
  static final long PART_SIZE = 16L * 1024 * 1024;
  private static final Set<String> NOT_FOUND = Set.of("NoSuchKey", "NoSuchObject", "ResourceNotFound");

  private final MinioClient client;
  private final MinioClient signer;
  private final String bucket;
  private final URI endpoint;
  private final Duration defaultExpiry;

  /**
   * @param client talks to the internal endpoint
   * @param signer signs presigned URLs (built for the public endpoint, or the same as {@code client})
   */
  MinioObjectStorage(MinioClient client, MinioClient signer, String bucket, URI endpoint, Duration defaultExpiry) {
    this.client = client;
    this.signer = signer;
    this.bucket = bucket;
    this.endpoint = endpoint;
    this.defaultExpiry = defaultExpiry;
  }

  /** Makes sure the bucket exists, creating it when allowed; throws {@link BucketUnavailableException} otherwise. */
  void ensureBucket(boolean create) {
    boolean exists;
    try {
      exists = client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build());
    } catch (Exception e) {
      throw new BucketUnavailableException(
          "cannot reach bucket '" + bucket + "' at " + endpoint + ": " + describe(e), e);
    }
    if (exists) {
      return;
    }
    if (!create) {
      throw new BucketUnavailableException(
          "bucket '" + bucket + "' does not exist at " + endpoint + " (walt.s3.create-bucket is false)");
    }
    try {
      client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
      log.info("created bucket '{}' at {}", bucket, endpoint);
    } catch (ErrorResponseException e) {
      String code = e.errorResponse().code();
      if ("BucketAlreadyOwnedByYou".equals(code) || "BucketAlreadyExists".equals(code)) {
        return; // another replica created it meanwhile
      }
      throw new BucketUnavailableException(
          "bucket '" + bucket + "' does not exist at " + endpoint + " and cannot be created: " + describe(e), e);
    } catch (Exception e) {
      throw new BucketUnavailableException(
          "bucket '" + bucket + "' does not exist at " + endpoint + " and cannot be created: " + describe(e), e);
    }
  }

  /** Whether the bucket answers (used by the health indicator). */
  boolean bucketReachable(MinioClient probe) {
    try {
      return probe.bucketExists(BucketExistsArgs.builder().bucket(bucket).build());
    } catch (Exception e) {
      log.debug("bucket {} at {} not reachable", bucket, endpoint, e);
      return false;
    }
  }

  @Override
  public void put(String key, InputStream data, long size, String contentType) {
    try {
      client.putObject(
          PutObjectArgs.builder()
              .bucket(bucket)
              .object(key)
              .stream(data, size < 0 ? -1L : size, size < 0 ? PART_SIZE : -1L)
              .contentType(contentType)
              .build());
    } catch (Exception e) {
      throw translate("put", key, e);
    }
  }

  @Override
  public byte[] get(String key) {
    try (InputStream in = open(key)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new StorageException("cannot read object " + key + " from bucket " + bucket, e);
    }
  }

  @Override
  public InputStream open(String key) {
    try {
      return client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build());
    } catch (Exception e) {
      throw translate("get", key, e);
    }
  }

  @Override
  public void delete(String key) {
    try {
      client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
    } catch (Exception e) {
      StorageException translated = translate("delete", key, e);
      if (!(translated instanceof ObjectNotFoundException)) {
        throw translated;
      }
    }
  }

  @Override
  public boolean exists(String key) {
    try {
      client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
      return true;
    } catch (Exception e) {
      StorageException translated = translate("stat", key, e);
      if (translated instanceof ObjectNotFoundException) {
        return false;
      }
      throw translated;
    }
  }

  @Override
  public List<String> list(String prefix) {
    List<String> keys = new ArrayList<>();
    try {
      for (Result<Item> result :
          client.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build())) {
        Item item = result.get();
        if (!item.isDir()) {
          keys.add(item.objectName());
        }
      }
    } catch (Exception e) {
      throw new StorageException("cannot list prefix '" + prefix + "' in bucket " + bucket + ": " + describe(e), e);
    }
    keys.sort(null);
    return keys;
  }

  @Override
  public URI presignedGet(String key, Duration expiry) {
    StorageSettings.checkExpiry(expiry);
    try {
      return URI.create(
          signer.getPresignedObjectUrl(
              GetPresignedObjectUrlArgs.builder()
                  .method(Http.Method.GET)
                  .bucket(bucket)
                  .object(key)
                  .expiry((int) expiry.toSeconds(), TimeUnit.SECONDS)
                  .build()));
    } catch (Exception e) {
      throw new StorageException("cannot sign a URL for object " + key + ": " + describe(e), e);
    }
  }

  @Override
  public URI presignedGet(String key) {
    return presignedGet(key, defaultExpiry);
  }

  @Override
  public String bucket() {
    return bucket;
  }

  private StorageException translate(String operation, String key, Exception e) {
    if (e instanceof ErrorResponseException error && NOT_FOUND.contains(error.errorResponse().code())) {
      return new ObjectNotFoundException(key);
    }
    if (e instanceof UncheckedIOException || e instanceof IOException) {
      return new StorageException(operation + " of object " + key + " failed: " + describe(e), e);
    }
    return new StorageException(
        operation + " of object " + key + " in bucket " + bucket + " failed: " + describe(e), e);
  }

  private static String describe(Exception e) {
    if (e instanceof ErrorResponseException error) {
      return error.errorResponse().code() + " (" + error.errorResponse().message() + ")";
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " / " + root;
  }
}
