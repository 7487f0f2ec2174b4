package dev.walt.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walt.testing.WaltIntegrationTest;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Status;

/** {@link ObjectStorage} against a real S3 server: exact bytes in and out, and presigned URLs that hold. */
@WaltIntegrationTest(properties = "walt.worker.enabled=false") // nothing here needs a worker loading the model
class ObjectStorageIT {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Autowired ObjectStorage storage;
  @Autowired StorageHealthIndicator health;

  private static String key(String name) {
    return "it/" + UUID.randomUUID() + "/" + name;
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  static HttpResponse<byte[]> fetch(URI uri) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void putThenGetReturnsTheExactBytes() {
    String key = key("video.mp4");
    byte[] data = random(3 * 1024 * 1024 + 17, 1);
    storage.put(key, new ByteArrayInputStream(data), data.length, "video/mp4");
    assertThat(storage.get(key)).isEqualTo(data);
    assertThat(storage.exists(key)).isTrue();
  }

  @Test
  void putOfUnknownLengthStreamsInParts() throws IOException {
    String key = key("unknown-length.bin");
    byte[] data = random(20 * 1024 * 1024 + 5, 2); // more than one 16 MiB part
    // a stream that hides its length (available() = 0), like a pipe from an encoder
    InputStream in = new FilterInputStream(new ByteArrayInputStream(data)) {
      @Override
      public int available() {
        return 0;
      }
    };
    storage.put(key, in, -1, "application/octet-stream");
    try (InputStream back = storage.open(key)) {
      assertThat(back.readAllBytes()).isEqualTo(data);
    }
  }

  @Test
  void missingObjectsAreReportedAsSuch() {
    String key = key("missing");
    assertThat(storage.exists(key)).isFalse();
    assertThatThrownBy(() -> storage.get(key))
        .isInstanceOf(ObjectNotFoundException.class)
        .satisfies(e -> assertThat(((ObjectNotFoundException) e).key()).isEqualTo(key));
    assertThatThrownBy(() -> storage.open(key)).isInstanceOf(ObjectNotFoundException.class);
    storage.delete(key); // deleting a missing object is no error
  }

  @Test
  void listAndDelete() {
    String prefix = "it/" + UUID.randomUUID() + "/";
    storage.put(prefix + "b/2.txt", "2".getBytes(StandardCharsets.UTF_8), "text/plain");
    storage.put(prefix + "a.txt", "1".getBytes(StandardCharsets.UTF_8), "text/plain");
    storage.put(prefix + "b/1.txt", "3".getBytes(StandardCharsets.UTF_8), "text/plain");
    assertThat(storage.list(prefix)).containsExactly(prefix + "a.txt", prefix + "b/1.txt", prefix + "b/2.txt");
    assertThat(storage.list(prefix + "b/")).containsExactly(prefix + "b/1.txt", prefix + "b/2.txt");
    storage.delete(prefix + "b/1.txt");
    assertThat(storage.exists(prefix + "b/1.txt")).isFalse();
    assertThat(storage.list(prefix)).containsExactly(prefix + "a.txt", prefix + "b/2.txt");
  }

  @Test
  void presignedUrlReturnsTheExactBytesWithoutCredentials() throws Exception {
    String key = key("clip.mp4");
    byte[] data = random(512 * 1024 + 3, 3);
    storage.put(key, data, "video/mp4");
    URI url = storage.presignedGet(key, Duration.ofMinutes(5));
    assertThat(url.getRawQuery()).contains("X-Amz-Signature=").contains("X-Amz-Expires=300");
    HttpResponse<byte[]> response = fetch(url);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(data);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("video/mp4");
  }

  @Test
  void defaultExpiryIsOneHour() {
    assertThat(storage.presignedGet(key("x")).getRawQuery()).contains("X-Amz-Expires=3600");
  }

  @Test
  void tamperedSignatureIsRefused() throws Exception {
    String key = key("a.bin");
    storage.put(key, random(1000, 4), "application/octet-stream");
    URI url = storage.presignedGet(key, Duration.ofMinutes(5));
    String signature = signature(url);
    char last = signature.charAt(signature.length() - 1);
    String tampered = signature.substring(0, signature.length() - 1) + (last == '0' ? '1' : '0');
    assertThat(fetch(withSignature(url, tampered)).statusCode()).isEqualTo(403);
    assertThat(fetch(url).statusCode()).isEqualTo(200);
  }

  @Test
  void anotherObjectsSignatureIsRefused() throws Exception {
    String prefix = "it/" + UUID.randomUUID() + "/";
    storage.put(prefix + "mine", random(100, 5), "application/octet-stream");
    storage.put(prefix + "theirs", random(100, 6), "application/octet-stream");
    URI mine = storage.presignedGet(prefix + "mine", Duration.ofMinutes(5));
    URI theirs = storage.presignedGet(prefix + "theirs", Duration.ofMinutes(5));
    // the path of one object with the (otherwise identical) query of the other
    URI forged = URI.create(theirs.toString().replace(prefix + "theirs", prefix + "mine"));
    assertThat(forged.getRawQuery()).isEqualTo(theirs.getRawQuery());
    assertThat(forged).isNotEqualTo(mine);
    assertThat(fetch(forged).statusCode()).isEqualTo(403);
    assertThat(fetch(withSignature(mine, signature(theirs))).statusCode()).isEqualTo(403);
  }

  @Test
  void expiredUrlIsRefused() throws Exception {
    String key = key("short-lived");
    storage.put(key, random(100, 7), "application/octet-stream");
    URI shortLived = storage.presignedGet(key, Duration.ofSeconds(1));
    URI longLived = storage.presignedGet(key, Duration.ofMinutes(5));
    Thread.sleep(2_500);
    HttpResponse<byte[]> response = fetch(shortLived);
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("AccessDenied");
    // the same object, signed the same way but with a longer life, is still served
    assertThat(fetch(longLived).statusCode()).isEqualTo(200);
  }

  @Test
  void expiryOutsideTheSigV4RangeIsRejected() {
    assertThatThrownBy(() -> storage.presignedGet("k", Duration.ofDays(8))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> storage.presignedGet("k", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void healthIsUpAndNamesTheBucket() {
    var h = health.health();
    assertThat(h.getStatus()).isEqualTo(Status.UP);
    assertThat(h.getDetails()).containsEntry("bucket", storage.bucket());
  }

  static String signature(URI url) {
    for (String part : url.getRawQuery().split("&")) {
      if (part.startsWith("X-Amz-Signature=")) {
        return part.substring("X-Amz-Signature=".length());
      }
    }
    throw new AssertionError("no signature in " + url);
  }

  static URI withSignature(URI url, String signature) {
    return URI.create(url.toString().replace("X-Amz-Signature=" + signature(url), "X-Amz-Signature=" + signature));
  }
}
