package dev.walt.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walt.storage.ObjectStorage;
import dev.walt.testing.WaltIntegrationTest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP API end to end against a real PostgreSQL and a real S3 server, over real HTTP: keys from
 * the admin API, 401s, tenant isolation on every endpoint, idempotency (replay, other payload,
 * expiry, in-flight), per-key limits, a table of bad requests that must leave the database and the
 * bucket unchanged, signed content URLs that work, and Server-Sent Events in order. Workers are off:
 * the tests move jobs through their states with SQL.
 */
@WaltIntegrationTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
    "walt.worker.enabled=false",
    "walt.auth.pepper=integration-test-pepper-0123456789abcdef",
    "walt.auth.admin-key=integration-admin-key",
    "walt.api.events.poll-interval=100ms"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VideoApiIT {

  static final String ADMIN = "Bearer integration-admin-key";

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  @Autowired DataSource dataSource;
  @Autowired ObjectStorage storage;

  final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5)).build();
  final JsonMapper json = JsonMapper.builder().build();

  String keyA;
  String keyB;
  UUID tenantA;

  record Reply(int status, Map<String, List<String>> headers, String body, JsonNode json) {
    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }
  }

  @BeforeAll
  void keys() throws Exception {
    tenantA = UUID.fromString(admin("POST", "/admin/v1/tenants", "{\"name\": \"tenant a\"}").json().get("id").asString());
    keyA = admin("POST", "/admin/v1/tenants/" + tenantA + "/keys", "{\"name\": \"a\"}").json().get("key").asString();
    String tenantB = admin("POST", "/admin/v1/tenants", "{\"name\": \"tenant b\"}").json().get("id").asString();
    keyB = admin("POST", "/admin/v1/tenants/" + tenantB + "/keys", "{\"name\": \"b\"}").json().get("key").asString();
  }

  // --- HTTP helpers

  Reply send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    JsonNode node = null;
    if (r.body() != null && !r.body().isBlank() && r.body().trim().startsWith("{")) {
      node = json.readTree(r.body());
    }
    return new Reply(r.statusCode(), r.headers().map(), r.body(), node);
  }

  HttpRequest.Builder request(String method, String path, String key, String contentType, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return b;
  }

  Reply call(String method, String path, String key) throws Exception {
    return send(request(method, path, key, null, null));
  }

  Reply create(String key, String body, String idempotencyKey) throws Exception {
    HttpRequest.Builder b = request("POST", "/v1/videos", key, "application/json", body);
    if (idempotencyKey != null) {
      b.header("Idempotency-Key", idempotencyKey);
    }
    return send(b);
  }

  Reply admin(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .header("Authorization", ADMIN).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return send(b);
  }

  long count(String table) {
    return jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single();
  }

  static void assertProblem(Reply r, int status, String slug) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.json().get("type").asString()).isEqualTo("https://walt.dev/problems/" + slug);
    assertThat(r.json().get("title").asString()).isNotBlank();
    assertThat(r.json().get("status").asInt()).isEqualTo(status);
    assertThat(r.json().get("detail").asString()).isNotBlank();
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  // --- auth

  @Test
  void everyV1EndpointNeedsAValidKey() throws Exception {
    String someId = UUID.randomUUID().toString();
    for (String[] endpoint : new String[][] {{"POST", "/v1/videos"}, {"GET", "/v1/videos"}, {"GET", "/v1/videos/" + someId},
        {"POST", "/v1/videos/" + someId + "/cancel"}, {"DELETE", "/v1/videos/" + someId},
        {"GET", "/v1/videos/" + someId + "/content"}, {"GET", "/v1/videos/" + someId + "/events"}, {"GET", "/v1/unknown"}}) {
      for (String key : new String[] {null, "not-a-key", "walt_sk_" + "x".repeat(43)}) {
        Reply r = send(request(endpoint[0], endpoint[1], key, "application/json", endpoint[0].equals("POST") ? "{}" : null));
        assertProblem(r, 401, "unauthorized");
        assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
      }
    }
  }

  @Test
  void adminApiCreatesAndRevokesKeys() throws Exception {
    assertProblem(send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/admin/v1/tenants"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"x\"}"))), 401, "unauthorized");
    assertProblem(send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/admin/v1/tenants"))
        .header("Authorization", "Bearer wrong").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"x\"}"))), 401, "unauthorized");
    String tenant = admin("POST", "/admin/v1/tenants", "{\"name\": \"revocable\"}").json().get("id").asString();
    Reply created = admin("POST", "/admin/v1/tenants/" + tenant + "/keys", "{\"name\": \"k\", \"requests_per_minute\": 100}");
    assertThat(created.status()).isEqualTo(201);
    String key = created.json().get("key").asString();
    assertThat(key).matches("walt_sk_[A-Za-z0-9_-]{43}");
    assertThat(created.json().get("webhook_secret").asString()).startsWith("whsec_");
    assertThat(created.json().get("requests_per_minute").asInt()).isEqualTo(100);
    // only the hash is stored
    assertThat(jdbc.sql("SELECT count(*) FROM api_keys WHERE prefix = ? AND key_hash <> convert_to(?, 'UTF8')")
        .params(key.substring(0, 12), key).query(Long.class).single()).isEqualTo(1);
    assertThat(call("GET", "/v1/videos", key).status()).isEqualTo(200);
    Reply listed = admin("GET", "/admin/v1/tenants/" + tenant + "/keys", null);
    assertThat(listed.status()).isEqualTo(200);
    assertThat(listed.body()).doesNotContain(key).doesNotContain("whsec_");

    String keyId = created.json().get("id").asString();
    assertThat(admin("POST", "/admin/v1/keys/" + keyId + "/revoke", null).json().get("revoked_at").isNumber()).isTrue();
    assertProblem(call("GET", "/v1/videos", key), 401, "unauthorized");
    assertProblem(admin("POST", "/admin/v1/tenants/" + UUID.randomUUID() + "/keys", "{}"), 404, "not-found");
    assertProblem(admin("POST", "/admin/v1/tenants", "{\"name\": \"\"}"), 400, "invalid-request");
  }

  // --- tenant isolation

  @Test
  void anotherTenantsVideoIsNotFoundOnEveryEndpoint() throws Exception {
    Reply created = create(keyA, "{\"prompt\": \"mine\"}", null);
    assertThat(created.status()).isEqualTo(202);
    String id = created.json().get("id").asString();
    long jobs = count("video_jobs");

    for (String[] endpoint : new String[][] {{"GET", "/v1/videos/" + id}, {"POST", "/v1/videos/" + id + "/cancel"},
        {"DELETE", "/v1/videos/" + id}, {"GET", "/v1/videos/" + id + "/content"},
        {"GET", "/v1/videos/" + id + "/content?variant=thumbnail"}, {"GET", "/v1/videos/" + id + "/events"}}) {
      assertProblem(call(endpoint[0], endpoint[1], keyB), 404, "video-not-found");
    }
    Reply listB = call("GET", "/v1/videos?limit=100", keyB);
    assertThat(listB.body()).doesNotContain(id);
    // the same Idempotency-Key under another key is another request
    Reply a1 = create(keyA, "{\"prompt\": \"shared key\"}", "same-key-" + id);
    Reply b1 = create(keyB, "{\"prompt\": \"shared key\"}", "same-key-" + id);
    assertThat(a1.json().get("id").asString()).isNotEqualTo(b1.json().get("id").asString());

    Reply mine = call("GET", "/v1/videos/" + id, keyA);
    assertThat(mine.status()).isEqualTo(200);
    assertThat(mine.json().get("status").asString()).isEqualTo("queued");
    assertThat(count("video_jobs")).isEqualTo(jobs + 2);
  }

  // --- idempotency

  @Test
  void sameKeyAndPayloadReturnsTheSameVideo() throws Exception {
    String key = "idem-" + UUID.randomUUID();
    Reply first = create(keyA, "{\"prompt\": \"idempotent\", \"frames\": 17, \"metadata\": {\"a\": \"1\", \"b\": \"2\"}}", key);
    assertThat(first.status()).isEqualTo(202);
    assertThat(first.header("Idempotency-Replayed")).isNull();
    long jobs = count("video_jobs");
    long keys = count("idempotency_keys");

    // same content, other key order and spacing
    Reply again = create(keyA, "{ \"metadata\": {\"b\": \"2\", \"a\": \"1\"},\"frames\":17, \"prompt\": \"idempotent\" }", key);
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.header("Idempotency-Replayed")).isEqualTo("true");
    assertThat(again.header("Location")).isEqualTo(first.header("Location"));
    assertThat(again.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
    assertThat(again.json().get("seed").asLong()).isEqualTo(first.json().get("seed").asLong());
    assertThat(count("video_jobs")).isEqualTo(jobs);
    assertThat(count("idempotency_keys")).isEqualTo(keys);

    Reply other = create(keyA, "{\"prompt\": \"something else\"}", key);
    assertProblem(other, 422, "idempotency-key-reused");
    assertThat(count("video_jobs")).isEqualTo(jobs);
  }

  @Test
  void multipartRequestsAreIdempotentToo() throws Exception {
    byte[] png = TestImages.png(64, 64);
    String key = "idem-mp-" + UUID.randomUUID();
    Reply first = send(multipart(keyA, key, "a dog", png));
    assertThat(first.status()).as(first.body()).isEqualTo(202);
    String id = first.json().get("id").asString();
    assertThat(first.json().get("has_image").asBoolean()).isTrue();
    assertThat(storage.exists("inputs/" + id + "/image")).isTrue();
    assertThat(storage.get("inputs/" + id + "/image")).isEqualTo(png);
    assertThat(jdbc.sql("SELECT input_image_key FROM video_jobs WHERE id = ?").param(UUID.fromString(id)).query(String.class).single())
        .isEqualTo("inputs/" + id + "/image");

    Reply again = send(multipart(keyA, key, "a dog", png));
    assertThat(again.json().get("id").asString()).isEqualTo(id);
    assertThat(again.header("Idempotency-Replayed")).isEqualTo("true");
    assertThat(storage.list("inputs/")).filteredOn(k -> !k.startsWith("inputs/" + id)).noneMatch(k -> k.contains(again.json().get("id").asString()) && !k.contains(id));

    byte[] otherPng = TestImages.png(64, 32);
    assertProblem(send(multipart(keyA, key, "a dog", otherPng)), 422, "idempotency-key-reused");
  }

  HttpRequest.Builder multipart(String apiKey, String idempotencyKey, String prompt, byte[] image) {
    String boundary = "----walt" + UUID.randomUUID();
    var out = new java.io.ByteArrayOutputStream();
    String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\n" + prompt + "\r\n"
        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"f.png\"\r\nContent-Type: image/png\r\n\r\n";
    out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(image);
    out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/videos"))
        .header("Authorization", "Bearer " + apiKey)
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray()));
    if (idempotencyKey != null) {
      b.header("Idempotency-Key", idempotencyKey);
    }
    return b;
  }

  @Test
  void expiredKeysAreForgotten() throws Exception {
    String key = "idem-exp-" + UUID.randomUUID();
    Reply first = create(keyA, "{\"prompt\": \"before\"}", key);
    assertThat(first.status()).isEqualTo(202);
    Double hours = jdbc.sql("SELECT EXTRACT(EPOCH FROM (expires_at - created_at)) / 3600 FROM idempotency_keys WHERE key = ?")
        .param(key).query(Double.class).single();
    assertThat(hours).isCloseTo(24.0, org.assertj.core.data.Offset.offset(0.01));
    jdbc.sql("UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = ?").param(key).update();

    Reply second = create(keyA, "{\"prompt\": \"after\"}", key);
    assertThat(second.status()).isEqualTo(202);
    assertThat(second.json().get("id").asString()).isNotEqualTo(first.json().get("id").asString());
    assertThat(second.header("Idempotency-Replayed")).isNull();
    assertThat(jdbc.sql("SELECT job_id FROM idempotency_keys WHERE key = ?").param(key).query(UUID.class).single())
        .hasToString(second.json().get("id").asString());
  }

  @Test
  void aConcurrentRequestWithTheSameKeyIsAConflict() throws Exception {
    String key = "idem-busy-" + UUID.randomUUID();
    UUID apiKeyId = jdbc.sql("SELECT id FROM api_keys WHERE tenant_id = ?").param(tenantA).query(UUID.class).single();
    long jobs = count("video_jobs");
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (var st = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
        st.setString(1, "idempotency:" + apiKeyId + ":" + key); // what an in-flight create holds
        st.execute();
      }
      Reply busy = create(keyA, "{\"prompt\": \"racing\"}", key);
      assertProblem(busy, 409, "idempotency-key-in-use");
      assertThat(busy.header("Retry-After")).isNotNull();
      c.rollback();
    }
    assertThat(count("video_jobs")).isEqualTo(jobs);
    assertThat(create(keyA, "{\"prompt\": \"racing\"}", key).status()).isEqualTo(202);
  }

  @Test
  void parallelDuplicatesCreateOneJob() throws Exception {
    String key = "idem-par-" + UUID.randomUUID();
    long jobs = count("video_jobs");
    List<CompletableFuture<Reply>> replies = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      replies.add(CompletableFuture.supplyAsync(() -> {
        try {
          return create(keyA, "{\"prompt\": \"parallel\"}", key);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    List<String> ids = new ArrayList<>();
    for (var f : replies) {
      Reply r = f.get(60, TimeUnit.SECONDS);
      assertThat(r.status()).as(r.body()).isIn(202, 409);
      if (r.status() == 202) {
        ids.add(r.json().get("id").asString());
      }
    }
    assertThat(ids).isNotEmpty();
    assertThat(ids.stream().distinct()).hasSize(1);
    assertThat(count("video_jobs")).isEqualTo(jobs + 1);
  }

  // --- limits

  @Test
  void requestsPerMinuteOverTheLimitAre429WithHeaders() throws Exception {
    String tenant = admin("POST", "/admin/v1/tenants", "{\"name\": \"limited\"}").json().get("id").asString();
    String key = admin("POST", "/admin/v1/tenants/" + tenant + "/keys", "{\"requests_per_minute\": 3}").json().get("key").asString();
    // a window may roll over between requests: then the count starts again
    Reply last = null;
    for (int i = 0; i < 8 && (last == null || last.status() != 429); i++) {
      last = call("GET", "/v1/videos", key);
      if (last.status() == 200) {
        assertThat(last.header("RateLimit-Limit")).isEqualTo("3");
        assertThat(Integer.parseInt(last.header("RateLimit-Remaining"))).isBetween(0, 2);
        assertThat(Integer.parseInt(last.header("RateLimit-Reset"))).isBetween(1, 60);
      }
    }
    assertProblem(last, 429, "rate-limited");
    assertThat(Integer.parseInt(last.header("Retry-After"))).isBetween(1, 60);
    assertThat(last.header("RateLimit-Limit")).isEqualTo("3");
    assertThat(last.header("RateLimit-Remaining")).isEqualTo("0");
    assertThat(last.header("RateLimit-Reset")).isEqualTo(last.header("Retry-After"));
  }

  @Test
  void activeJobsOverTheLimitAre429() throws Exception {
    String tenant = admin("POST", "/admin/v1/tenants", "{\"name\": \"busy\"}").json().get("id").asString();
    String key = admin("POST", "/admin/v1/tenants/" + tenant + "/keys", "{\"max_active_jobs\": 2}").json().get("key").asString();
    assertThat(create(key, "{\"prompt\": \"1\"}", null).status()).isEqualTo(202);
    String second = create(key, "{\"prompt\": \"2\"}", null).json().get("id").asString();
    long jobs = count("video_jobs");
    Reply third = create(key, "{\"prompt\": \"3\"}", null);
    assertProblem(third, 429, "too-many-active-jobs");
    assertThat(third.header("Retry-After")).isNotNull();
    assertThat(count("video_jobs")).isEqualTo(jobs);
    // a cancelled job is no longer active
    assertThat(call("POST", "/v1/videos/" + second + "/cancel", key).json().get("status").asString()).isEqualTo("cancelled");
    assertThat(create(key, "{\"prompt\": \"3\"}", null).status()).isEqualTo(202);
  }

  @Test
  void parallelCreatesDoNotOvershootTheActiveJobLimit() throws Exception {
    String tenant = admin("POST", "/admin/v1/tenants", "{\"name\": \"racer\"}").json().get("id").asString();
    String key = admin("POST", "/admin/v1/tenants/" + tenant + "/keys", "{\"max_active_jobs\": 3}").json().get("key").asString();
    List<CompletableFuture<Reply>> replies = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      int n = i;
      replies.add(CompletableFuture.supplyAsync(() -> {
        try {
          return create(key, "{\"prompt\": \"race " + n + "\"}", null);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    int accepted = 0;
    for (var f : replies) {
      Reply r = f.get(60, TimeUnit.SECONDS);
      assertThat(r.status()).as(r.body()).isIn(202, 429);
      accepted += r.status() == 202 ? 1 : 0;
    }
    assertThat(accepted).isEqualTo(3);
    assertThat(jdbc.sql("SELECT count(*) FROM video_jobs WHERE tenant_id = ?").param(UUID.fromString(tenant))
        .query(Long.class).single()).isEqualTo(3);
  }

  @Test
  void parallelCreatesFarFromTheLimitRunOnOneSlotEachAndStillStopExactlyAtIt() throws Exception {
    // 100 active jobs with 16 creation slots: far from the limit creates hold one slot each and run side
    // by side (and, while a recent count plus the rows inserted since leave room for 32 more, skip
    // counting); closer to it they count; near it they take every slot (one at a time)
    String tenant = admin("POST", "/admin/v1/tenants", "{\"name\": \"crowd\"}").json().get("id").asString();
    String key = admin("POST", "/admin/v1/tenants/" + tenant + "/keys", "{\"max_active_jobs\": 100}").json().get("key").asString();
    List<CompletableFuture<Reply>> replies = new ArrayList<>();
    java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(24);
    try {
      for (int i = 0; i < 160; i++) {
        int n = i;
        replies.add(CompletableFuture.supplyAsync(() -> {
          try {
            return create(key, "{\"prompt\": \"crowd " + n + "\"}", null);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, clients));
      }
      int accepted = 0;
      for (var f : replies) {
        Reply r = f.get(120, TimeUnit.SECONDS);
        assertThat(r.status()).as(r.body()).isIn(202, 429);
        if (r.status() == 429) {
          assertProblem(r, 429, "too-many-active-jobs");
        }
        accepted += r.status() == 202 ? 1 : 0;
      }
      assertThat(accepted).isEqualTo(100);
    } finally {
      clients.shutdownNow();
    }
    assertThat(jdbc.sql("SELECT count(*) FROM video_jobs WHERE tenant_id = ?").param(UUID.fromString(tenant))
        .query(Long.class).single()).isEqualTo(100);
  }

  // --- bad requests change nothing

  Stream<Arguments> badRequests() {
    String someId = UUID.randomUUID().toString();
    String gif = "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";
    return Stream.of(
        Arguments.of("POST", "/v1/videos", "application/json", "{\"prompt\": \"a\"", 400, "malformed-request"),
        Arguments.of("POST", "/v1/videos", "application/json", "{\"prompt\": [\"a\"]}", 400, "invalid-request"),
        Arguments.of("POST", "/v1/videos", "application/json", "{\"prompt\": \"a\", \"frames\": \"9\"}", 400, "invalid-request"),
        Arguments.of("POST", "/v1/videos", "application/json", "{\"prompt\": \"a\", \"loop\": true}", 400, "invalid-request"),
        Arguments.of("POST", "/v1/videos", "application/json", "{\"prompt\": \"" + "p".repeat(2001) + "\"}", 400, "invalid-request"),
        Arguments.of("POST", "/v1/videos", "application/json", "{\"prompt\": \"a\", \"image\": \"" + "QUFB".repeat(3_600_000) + "\"}", 413, "image-too-large"),
        Arguments.of("POST", "/v1/videos", "application/json", "{\"prompt\": \"" + "p".repeat(16_000_000) + "\"}", 413, "request-too-large"),
        Arguments.of("POST", "/v1/videos", "application/json", "{\"prompt\": \"a\", \"image\": \"%%%not-base64%%%\"}", 400, "invalid-request"),
        Arguments.of("POST", "/v1/videos", "application/json", "{\"prompt\": \"a\", \"image\": \"" + gif + "\"}", 415, "image-unsupported-format"),
        Arguments.of("POST", "/v1/videos", "application/json", "{\"prompt\": \"a\", \"image\": \"https://127.0.0.1/a.png\"}", 400, "invalid-request"),
        Arguments.of("POST", "/v1/videos", "application/json", "{\"prompt\": \"a\", \"image\": \"https://10.0.0.7/a.png\"}", 400, "invalid-request"),
        Arguments.of("POST", "/v1/videos", "application/json", "{\"prompt\": \"a\", \"image\": \"https://localhost/a.png\"}", 400, "invalid-request"),
        Arguments.of("POST", "/v1/videos", "application/json", "{\"prompt\": \"a\", \"webhook_url\": \"https://192.168.0.1/h\"}", 400, "invalid-request"),
        Arguments.of("POST", "/v1/videos", "application/json", "{\"prompt\": \"a\", \"webhook_url\": \"https://[::1]/h\"}", 400, "invalid-request"),
        Arguments.of("POST", "/v1/videos", "application/json", "{\"prompt\": \"a\", \"webhook_url\": \"https://169.254.169.254/h\"}", 400, "invalid-request"),
        Arguments.of("POST", "/v1/videos", "application/json", "{\"prompt\": \"a\", \"frames\": -17}", 400, "invalid-request"),
        Arguments.of("POST", "/v1/videos", "application/json", "{\"prompt\": \"a\", \"frames\": 1000000000000}", 400, "invalid-request"),
        Arguments.of("POST", "/v1/videos", "application/json", "{\"prompt\": \"a\", \"steps\": 2147483648}", 400, "invalid-request"),
        Arguments.of("POST", "/v1/videos", "application/json", "{\"prompt\": \"a\", \"seed\": -1}", 400, "invalid-request"),
        Arguments.of("POST", "/v1/videos", "application/json", "{\"prompt\": \"a\", \"seed\": 1e30}", 400, "invalid-request"),
        Arguments.of("POST", "/v1/videos", "application/json", "{\"prompt\": \"a\", \"guidance_scale\": 1e309}", 400, "invalid-request"),
        Arguments.of("POST", "/v1/videos", "application/json", "{\"prompt\": \"a\", \"size\": \"256*256\"}", 400, "invalid-request"),
        Arguments.of("POST", "/v1/videos", "application/json", "{\"prompt\": \"a\", \"size\": \"0x0\"}", 400, "invalid-request"),
        Arguments.of("POST", "/v1/videos", "application/json", "{\"prompt\": \"a\", \"size\": \"4096x4096\"}", 400, "invalid-request"),
        Arguments.of("POST", "/v1/videos", "text/plain", "a red ball", 415, "unsupported-media-type"),
        Arguments.of("POST", "/v1/videos", null, null, 415, "unsupported-media-type"),
        Arguments.of("PUT", "/v1/videos", "application/json", "{\"prompt\": \"a\"}", 405, "method-not-allowed"),
        Arguments.of("PATCH", "/v1/videos/" + someId, "application/json", "{}", 405, "method-not-allowed"),
        Arguments.of("GET", "/v1/videos?after=not-a-cursor", null, null, 400, "invalid-request"),
        Arguments.of("GET", "/v1/videos?status=finished", null, null, 400, "invalid-request"),
        Arguments.of("GET", "/v1/videos?limit=-1", null, null, 400, "invalid-request"),
        Arguments.of("GET", "/v1/videos?limit=100000000000", null, null, 400, "invalid-request"),
        Arguments.of("GET", "/v1/videos/" + someId + "/content?variant=gif", null, null, 400, "invalid-request"),
        Arguments.of("GET", "/v1/videos/" + someId, null, null, 404, "video-not-found"),
        Arguments.of("GET", "/v1/videos/not-an-id", null, null, 404, "video-not-found"),
        Arguments.of("GET", "/v1/nothing", null, null, 404, "not-found"),
        Arguments.of("GET", "/nothing/at/all", null, null, 404, "not-found"));
  }

  @ParameterizedTest(name = "[{index}] {0} {1} -> {4} {5}")
  @MethodSource("badRequests")
  void badRequestsAreDocumentedProblemsAndChangeNothing(String method, String path, String contentType, String body,
      int status, String slug) throws Exception {
    long jobs = count("video_jobs");
    long keys = count("idempotency_keys");
    int inputs = storage.list("inputs/").size();
    HttpRequest.Builder request = request(method, path, keyA, contentType, body)
        .header("Idempotency-Key", "bad-" + UUID.randomUUID());
    assertProblem(send(request), status, slug);
    assertThat(count("video_jobs")).isEqualTo(jobs);
    assertThat(count("idempotency_keys")).isEqualTo(keys);
    assertThat(storage.list("inputs/")).hasSize(inputs);
  }

  @Test
  void oversizedMultipartBodiesAre413AndChangeNothing() throws Exception {
    long jobs = count("video_jobs");
    int inputs = storage.list("inputs/").size();
    byte[] huge = new byte[16 * 1024 * 1024];
    huge[0] = (byte) 0x89;
    assertProblem(send(multipart(keyA, "mp-huge-" + UUID.randomUUID(), "too big", huge)), 413, "request-too-large");
    byte[] justTooLarge = java.util.Arrays.copyOf(TestImages.png(64, 64), 11 * 1024 * 1024);
    assertProblem(send(multipart(keyA, null, "image too big", justTooLarge)), 413, "image-too-large");
    assertThat(count("video_jobs")).isEqualTo(jobs);
    assertThat(storage.list("inputs/")).hasSize(inputs);
  }

  @Test
  void aWrongAcceptHeaderIs406() throws Exception {
    long jobs = count("video_jobs");
    Reply r = send(request("GET", "/v1/videos", keyA, null, null).header("Accept", "text/html"));
    assertThat(r.status()).isEqualTo(406);
    assertThat(r.body()).contains("https://walt.dev/problems/not-acceptable");
    Reply post = send(request("POST", "/v1/videos", keyA, "application/json", "{\"prompt\": \"a\"}").header("Accept", "image/png"));
    assertThat(post.status()).isEqualTo(406);
    assertThat(count("video_jobs")).isEqualTo(jobs);
  }

  @Test
  void theOpenApiDocumentDescribesEveryEndpointFieldAndError() throws Exception {
    Reply docs = call("GET", "/v3/api-docs", null);
    assertThat(docs.status()).isEqualTo(200);
    JsonNode paths = docs.json().get("paths");
    for (String path : List.of("/v1/videos", "/v1/videos/{id}", "/v1/videos/{id}/cancel", "/v1/videos/{id}/content",
        "/v1/videos/{id}/events", "/admin/v1/tenants", "/admin/v1/tenants/{tenantId}/keys", "/admin/v1/keys/{keyId}/revoke")) {
      assertThat(paths.has(path)).as(path).isTrue();
    }
    JsonNode create = paths.get("/v1/videos").get("post");
    for (String code : List.of("202", "400", "401", "409", "413", "415", "422", "429", "503")) {
      assertThat(create.get("responses").has(code)).as("POST /v1/videos " + code).isTrue();
    }
    assertThat(create.get("requestBody").get("content").has("application/json")).isTrue();
    assertThat(create.get("requestBody").get("content").has("multipart/form-data")).isTrue();
    assertThat(paths.get("/v1/videos/{id}/content").get("get").get("responses").has("302")).isTrue();
    JsonNode schemas = docs.json().get("components").get("schemas");
    assertThat(schemas.get("Video").get("properties").has("queue_position")).isTrue();
    assertThat(schemas.get("Video").get("properties").has("video_url")).isTrue();
    assertThat(schemas.get("CreateVideoRequest").get("properties").has("guidance_scale")).isTrue();
    assertThat(schemas.get("Problem").get("properties").has("errors")).isTrue();
  }

  @Test
  void aMalformedUrlIsAProblemFromTheErrorPathToo() throws Exception {
    Reply r = send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/videos/%2e%2e%2f%2e%2e"))
        .header("Authorization", "Bearer " + keyA).GET());
    assertThat(r.status()).isBetween(400, 404);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.json().get("type").asString()).startsWith("https://walt.dev/problems/");
  }

  // --- reading, content, events

  @Test
  void completedVideosHaveWorkingSignedUrlsAndContentRedirects() throws Exception {
    Reply created = create(keyA, "{\"prompt\": \"done soon\", \"seed\": 5}", null);
    UUID id = UUID.fromString(created.json().get("id").asString());
    assertProblem(call("GET", "/v1/videos/" + id + "/content", keyA), 409, "content-not-ready");

    byte[] mp4 = "not really an mp4".getBytes(StandardCharsets.UTF_8);
    byte[] jpeg = TestImages.encode("jpg", 32, 32);
    storage.put("videos/" + id + "/1/video.mp4", mp4, "video/mp4");
    storage.put("videos/" + id + "/1/thumbnail.jpg", jpeg, "image/jpeg");
    jdbc.sql("""
            UPDATE video_jobs SET status = 'completed', progress = 100, attempt = 1, started_at = now(), finished_at = now(),
              video_key = ?, thumbnail_key = ?, expires_at = now() + interval '7 days' WHERE id = ?""")
        .params("videos/" + id + "/1/video.mp4", "videos/" + id + "/1/thumbnail.jpg", id).update();

    Reply video = call("GET", "/v1/videos/" + id, keyA);
    assertThat(video.json().get("status").asString()).isEqualTo("completed");
    assertThat(video.json().get("expires_at").isNumber()).isTrue();
    assertThat(video.json().get("url_expires_at").asLong()).isGreaterThan(System.currentTimeMillis() / 1000);
    assertThat(fetch(video.json().get("video_url").asString())).isEqualTo(mp4);
    assertThat(fetch(video.json().get("thumbnail_url").asString())).isEqualTo(jpeg);

    Reply redirect = call("GET", "/v1/videos/" + id + "/content", keyA);
    assertThat(redirect.status()).isEqualTo(302);
    assertThat(fetch(redirect.header("Location"))).isEqualTo(mp4);
    Reply thumbnail = call("GET", "/v1/videos/" + id + "/content?variant=thumbnail", keyA);
    assertThat(fetch(thumbnail.header("Location"))).isEqualTo(jpeg);
    assertProblem(call("GET", "/v1/videos/" + id + "/content?variant=preview", keyA), 404, "content-not-found");

    assertThat(call("DELETE", "/v1/videos/" + id, keyA).status()).isEqualTo(204);
    assertProblem(call("GET", "/v1/videos/" + id, keyA), 404, "video-not-found");
    assertProblem(call("DELETE", "/v1/videos/" + id, keyA), 404, "video-not-found");
  }

  byte[] fetch(String url) throws Exception {
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  @Test
  void listingPagesNewestFirstWithAStableCursor() throws Exception {
    String tenant = admin("POST", "/admin/v1/tenants", "{\"name\": \"lister\"}").json().get("id").asString();
    String key = admin("POST", "/admin/v1/tenants/" + tenant + "/keys", "{\"max_active_jobs\": 50}").json().get("key").asString();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(0, create(key, "{\"prompt\": \"n" + i + "\"}", null).json().get("id").asString());
    }
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      Reply page = call("GET", "/v1/videos?limit=2" + (cursor == null ? "" : "&after=" + cursor), key);
      assertThat(page.json().get("object").asString()).isEqualTo("list");
      page.json().get("data").forEach(v -> seen.add(v.get("id").asString()));
      cursor = page.json().get("has_more").asBoolean() ? page.json().get("next_cursor").asString() : null;
    } while (cursor != null);
    assertThat(seen).containsExactlyElementsOf(ids);
    call("POST", "/v1/videos/" + ids.get(1) + "/cancel", key);
    Reply cancelled = call("GET", "/v1/videos?status=cancelled", key);
    assertThat(cancelled.json().get("data")).hasSize(1);
    Reply queued = call("GET", "/v1/videos/" + ids.get(4), key);
    assertThat(queued.json().get("queue_position").isNumber()).isTrue();
  }

  @Test
  void eventsArriveInOrderAndTheStreamEndsAfterATerminalStatus() throws Exception {
    UUID id = UUID.fromString(create(keyA, "{\"prompt\": \"streamed\"}", null).json().get("id").asString());
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/videos/" + id + "/events"))
        .header("Authorization", "Bearer " + keyA).header("Accept", "text/event-stream").GET().build();
    HttpResponse<java.io.InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");

    List<String[]> events = new ArrayList<>();
    CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
        String name = null;
        String line;
        while ((line = lines.readLine()) != null) {
          if (line.startsWith("event:")) {
            name = line.substring(6).trim();
          } else if (line.startsWith("data:")) {
            JsonNode data = json.readTree(line.substring(5).trim());
            synchronized (events) {
              events.add(new String[] {name, data.get("status").asString(), Integer.toString(data.get("progress").asInt())});
            }
          }
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    awaitEvents(events, 1);
    jdbc.sql("UPDATE video_jobs SET status = 'in_progress', attempt = 1, started_at = now(), progress = 0 WHERE id = ?").param(id).update();
    awaitEvents(events, 2);
    for (int p : new int[] {20, 60}) {
      jdbc.sql("UPDATE video_jobs SET progress = ? WHERE id = ?").params(p, id).update();
      awaitEvents(events, p == 20 ? 3 : 4);
    }
    jdbc.sql("UPDATE video_jobs SET status = 'failed', error_code = 'generation_failed', error_message = 'boom', finished_at = now() WHERE id = ?")
        .param(id).update();
    reader.get(10, TimeUnit.SECONDS); // the server ends the stream after the terminal status
    assertThat(events).extracting(e -> e[0] + ":" + e[1] + ":" + e[2]).containsExactly(
        "status:queued:0", "status:in_progress:0", "progress:in_progress:20", "progress:in_progress:60", "status:failed:60");
    Reply failed = call("GET", "/v1/videos/" + id, keyA);
    assertThat(failed.json().get("error").get("code").asString()).isEqualTo("generation_failed");
    assertThat(failed.json().get("error").get("message").asString()).isEqualTo("boom");
    assertThat(failed.json().get("completed_at").isNumber()).isTrue();
    assertThat(failed.json().has("video_url")).isFalse();
    // a stream opened on a finished video sends its state once and ends
    HttpResponse<String> again = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/videos/" + id + "/events"))
        .header("Authorization", "Bearer " + keyA).GET().timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(again.body()).startsWith("id:1\nevent:status\ndata:").contains("\"status\":\"failed\"").doesNotContain("id:2");
  }

  private static void awaitEvents(List<String[]> events, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      synchronized (events) {
        if (events.size() >= n) {
          return;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("expected " + n + " events, got " + events.size());
  }
}
