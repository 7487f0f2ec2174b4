package dev.walt.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walt.WaltApplication;
import dev.walt.auth.ApiKeys;
import dev.walt.testing.WaltTestServicesInitializer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Bad-input fuzzing (issue 10): jqwik generates malformed and hostile requests for every endpoint and
 * header, sent byte for byte over a socket to the running application (real PostgreSQL, real S3,
 * workers off). For each: never a 5xx, every error is {@code application/problem+json}, and a request
 * that was not accepted leaves the jobs, idempotency and webhook tables as they were.
 *
 * <p>More than 500 requests per run: 250 JSON bodies, 120 header sets, 120 paths and queries, 60
 * multipart images.
 */
class HostileRequestFuzzIT {

  private static ConfigurableApplicationContext app;
  private static int port;
  private static JdbcClient jdbc;
  private static String key;
  private static String existingId;

  @BeforeContainer
  static void start() throws Exception {
    List<String> props = new ArrayList<>();
    WaltTestServicesInitializer.properties().forEach((k, v) -> props.add(k + "=" + v));
    props.addAll(List.of("server.port=0", "server.address=127.0.0.1", "walt.worker.enabled=false",
        "walt.auth.pepper=fuzz-test-pepper-0123456789abcdef0123", "spring.main.banner-mode=off"));
    app = new SpringApplicationBuilder(WaltApplication.class).properties(props.toArray(String[]::new)).run();
    port = ((WebServerApplicationContext) app).getWebServer().getPort();
    jdbc = app.getBean(JdbcClient.class);
    ApiKeys keys = app.getBean(ApiKeys.class);
    var tenant = keys.createTenant("fuzz");
    key = keys.createKey(tenant.id(), "fuzz", new ApiKeys.KeyOptions(1_000_000, 1_000_000, null)).orElseThrow().key();
    RawHttp.Response created = post("/v1/videos", "application/json",
        "{\"prompt\":\"a ball\",\"frames\":17,\"steps\":1}".getBytes(StandardCharsets.UTF_8), List.of());
    assertThat(created.status()).isEqualTo(202);
    var m = java.util.regex.Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(created.text());
    assertThat(m.find()).isTrue();
    existingId = m.group(1);
  }

  @AfterContainer
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // the properties

  @Property(tries = 250)
  void hostileJsonBodiesAreRefusedCleanly(@ForAll("jsonBodies") byte[] body, @ForAll("jsonContentTypes") String contentType)
      throws Exception {
    check(() -> post("/v1/videos", contentType, body, List.of()));
  }

  @Property(tries = 120)
  void hostileHeadersAreRefusedCleanly(@ForAll("headerSets") List<String> headers) throws Exception {
    byte[] body = "{\"prompt\":\"a ball\",\"frames\":17,\"steps\":1}".getBytes(StandardCharsets.UTF_8);
    check(() -> RawHttp.send(port, "POST /v1/videos HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        + "Content-Length: " + body.length + "\r\n" + String.join("\r\n", headers), body));
  }

  @Property(tries = 120)
  void hostilePathsAndQueriesAreRefusedCleanly(@ForAll("methods") String method, @ForAll("paths") String path)
      throws Exception {
    check(() -> RawHttp.send(port, method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        + "Authorization: Bearer " + key + "\r\nContent-Length: 0", new byte[0]));
  }

  @Property(tries = 60)
  void hostileImagesAreRefusedCleanly(@ForAll("images") byte[] image, @ForAll("imageTypes") String type) throws Exception {
    String boundary = "fuzzboundary" + UUID.randomUUID().toString().replace("-", "");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\na ball\r\n"
        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"i.png\"\r\n"
        + "Content-Type: " + type + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.write(image);
    out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
    check(() -> post("/v1/videos", "multipart/form-data; boundary=" + boundary, out.toByteArray(), List.of()));
  }

  // ---------------------------------------------------------------------------------------------
  // regressions: what the generators found, kept as fixed examples

  /** U+0000 in text reached the INSERT and PostgreSQL refused it: a 500 (fixed in RequestValidator). */
  @Example
  void nulInPromptOrMetadataIs400() throws Exception {
    for (String body : List.of("{\"prompt\":\"a\\u0000b\"}", "{\"prompt\":\"a\",\"negative_prompt\":\"\\u0000\"}",
        "{\"prompt\":\"a\",\"metadata\":{\"k\":\"\\u0000\"}}", "{\"prompt\":\"a\",\"metadata\":{\"\\u0000\":\"v\"}}")) {
      Map<String, Long> before = counts();
      RawHttp.Response r = post("/v1/videos", "application/json", body.getBytes(StandardCharsets.UTF_8), List.of());
      assertThat(r.status()).as(body + " -> " + r.text()).isEqualTo(400);
      assertThat(r.header("content-type")).startsWith("application/problem+json");
      assertThat(counts()).isEqualTo(before);
    }
  }

  /** A multipart Content-Type without a boundary was a 500 (fixed in ApiExceptionHandler). */
  @Example
  void multipartWithoutBoundaryIs400() throws Exception {
    RawHttp.Response r = post("/v1/videos", "multipart/form-data", "prompt=a".getBytes(StandardCharsets.UTF_8), List.of());
    assertThat(r.status()).as(r.text()).isEqualTo(400);
    assertThat(r.header("content-type")).startsWith("application/problem+json");
  }

  /** An undecodable query parameter name ({@code %ZZ}) on the listing was a 500 (fixed in ApiExceptionHandler). */
  @Example
  void undecodableQueryIs400() throws Exception {
    for (String path : List.of("/v1/videos?%ZZ=1", "/v1/videos?limit=%G1", "/v1/videos?%=1")) {
      RawHttp.Response r = RawHttp.send(port, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
          + "Authorization: Bearer " + key + "\r\nContent-Length: 0", new byte[0]);
      assertThat(r.status()).as(path + " -> " + r.text()).isEqualTo(400);
      assertThat(r.header("content-type")).startsWith("application/problem+json");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // the oracle

  interface Exchange {
    RawHttp.Response send() throws Exception;
  }

  private static void check(Exchange exchange) throws Exception {
    Map<String, Long> before = counts();
    RawHttp.Response r = exchange.send();
    assertThat(r.status()).as("status; body: %s", r.text()).isLessThan(500);
    if (r.status() >= 400) {
      assertThat(r.header("content-type")).as("error body: %s", r.text()).startsWith("application/problem+json");
    }
    if (r.status() >= 400) { // a 2xx may legitimately change state (e.g. DELETE of the existing job: 204)
      assertThat(counts()).as("a refused request changes nothing").isEqualTo(before);
    }
  }

  private static Map<String, Long> counts() {
    return Map.of(
        "video_jobs", jdbc.sql("SELECT count(*) FROM video_jobs").query(Long.class).single(),
        "video_jobs_state", jdbc.sql("SELECT count(*) FROM video_jobs WHERE status <> 'queued' OR cancel_requested")
            .query(Long.class).single(),
        "idempotency_keys", jdbc.sql("SELECT count(*) FROM idempotency_keys").query(Long.class).single(),
        "webhook_deliveries", jdbc.sql("SELECT count(*) FROM webhook_deliveries").query(Long.class).single());
  }

  private static RawHttp.Response post(String path, String contentType, byte[] body, List<String> extra) throws Exception {
    StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        + "Authorization: Bearer " + key + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + body.length);
    for (String h : extra) {
      head.append("\r\n").append(h);
    }
    return RawHttp.send(port, head.toString(), body);
  }

  // ---------------------------------------------------------------------------------------------
  // the generators

  private static final List<String> FIELDS = List.of("prompt", "image", "negative_prompt", "frames", "seconds", "size",
      "fps", "seed", "steps", "guidance_scale", "webhook_url", "metadata", "unknown_field", "", "\u0000", "__proto__");

  /** Values of every JSON type and many edge cases, rendered as JSON text. */
  private static Arbitrary<String> hostileValues() {
    Arbitrary<String> strings = Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(40),
        Arbitraries.strings().withChars('\u0000', '\u001f', '\u202e', '\ufeff', '\ud800', '\udfff', '"', '\\')
            .ofMaxLength(20),
        Arbitraries.of("", " ", "\u00e9\u0301", "\ud83d\ude00", "\ud83d", "x".repeat(5000), "x".repeat(70_000),
            "0x0", "-64x64", "99999x99999", "256x256x256", "64X64", "NaNxNaN", "1e9x1e9", "64x", "x64"))
        .map(HostileRequestFuzzIT::jsonString);
    Arbitrary<String> numbers = Arbitraries.of("0", "-1", "1", "2147483648", "-2147483649", "9223372036854775808",
        "1e400", "-1e400", "1.5", "1e-400", "-0", "0.0000001", "99999999999999999999999999999", "1E2", "17.0",
        "9007199254740992", "2");
    Arbitrary<String> urls = Arbitraries.of("http://example.com/a.png", "https://127.0.0.1/a.png",
        "https://localhost/a.png", "https://169.254.169.254/latest/meta-data/", "https://[::1]/a.png",
        "https://10.0.0.1/a.png", "https://192.168.1.1/a.png", "https://0.0.0.0/", "https://[::ffff:127.0.0.1]/",
        "https://2130706433/", "https://0x7f000001/", "file:///etc/passwd", "gopher://x", "https://user:pw@example.com/",
        "https:///nohost", "https://exa mple.com/", "javascript:alert(1)", "data:image/png;base64,AAAA",
        "data:text/html;base64,PHNjcmlwdD4=", "https://example.com/" + "a".repeat(5000))
        .map(HostileRequestFuzzIT::jsonString);
    Arbitrary<String> images = Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(64).map(b -> Base64.getEncoder().encodeToString(b)),
        Arbitraries.of(truncatedPng(), bombPng(), "!!!not base64!!!", "data:image/png;base64,", "data:image/gif;base64,R0lGODlh")
            .map(s -> s.startsWith("data:") || s.startsWith("!") ? s : Base64.getEncoder()
                .encodeToString(s.getBytes(StandardCharsets.ISO_8859_1))))
        .map(HostileRequestFuzzIT::jsonString);
    Arbitrary<String> structures = Arbitraries.of("null", "true", "false", "[]", "{}", "[1,2,3]", "{\"a\":{\"b\":[]}}",
        "[" .repeat(2000) + "]".repeat(2000), "{\"k\":".repeat(1500) + "1" + "}".repeat(1500),
        metadataMany(), "{\"k\":1}", "{\"\":\"\"}", "{\"k\":\"" + "v".repeat(600) + "\"}");
    return Arbitraries.oneOf(strings, numbers, urls, images, structures);
  }

  @Provide
  Arbitrary<byte[]> jsonBodies() {
    Arbitrary<String> field = Arbitraries.of(FIELDS);
    Arbitrary<String> member = Combinators.combine(field, hostileValues()).as((f, v) -> jsonString(f) + ":" + v);
    Arbitrary<String> objects = member.list().ofMinSize(0).ofMaxSize(6)
        .map(members -> "{" + String.join(",", members) + "}");
    Arbitrary<String> withPrompt = Combinators.combine(field, hostileValues())
        .as((f, v) -> "{\"prompt\":\"a ball\",\"frames\":17,\"steps\":1," + jsonString(f) + ":" + v + "}");
    Arbitrary<String> duplicate = hostileValues().map(v -> "{\"prompt\":\"a\",\"prompt\":" + v + "}");
    Arbitrary<byte[]> text = Arbitraries.oneOf(objects, withPrompt, duplicate, hostileValues())
        .map(s -> s.getBytes(StandardCharsets.UTF_8));
    // structural damage: truncated, invalid UTF-8, other encodings, random bytes
    Arbitrary<byte[]> truncated = Combinators.combine(withPrompt, Arbitraries.integers().between(0, 60))
        .as((s, cut) -> s.substring(0, Math.min(cut, s.length())).getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> invalidUtf8 = Arbitraries.of(new byte[] {'{', '"', 'p', 'r', 'o', 'm', 'p', 't', '"', ':', '"',
        (byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE, '"', '}'},
        "{\"prompt\":\"a ball\"}".getBytes(StandardCharsets.UTF_16),
        "{\"prompt\":\"a ball\"}".getBytes(StandardCharsets.UTF_16LE),
        new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'},
        new byte[] {'{', '"', 'p', 'r', 'o', 'm', 'p', 't', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'});
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, text), net.jqwik.api.Tuple.of(2, truncated),
        net.jqwik.api.Tuple.of(1, invalidUtf8), net.jqwik.api.Tuple.of(1, random));
  }

  @Provide
  Arbitrary<String> jsonContentTypes() {
    return Arbitraries.of("application/json", "application/json", "application/json", "application/json; charset=utf-8",
        "application/json; charset=utf-16", "application/json; charset=bogus", "text/plain", "application/xml",
        "application/x-www-form-urlencoded", "multipart/form-data", "application/*", "*/*", ";;;", "\u00ff/\u00ff");
  }

  @Provide
  Arbitrary<List<String>> headerSets() {
    Arbitrary<String> auth = Arbitraries.of("Authorization: Bearer " + key, "Authorization: Bearer ", "Authorization: bearer " + key,
        "Authorization: Basic dXNlcjpwYXNz", "Authorization: Bearer wk_" + "A".repeat(5000),
        "Authorization: Bearer " + key + "\u00e9", "Authorization: Bearer " + key + " extra",
        "Authorization: Bearer \u0000", "Authorization: Bearer x\r\nX-Injected: 1",
        "Authorization: Bearer " + key + "\r\nAuthorization: Bearer other", "X-No-Auth: 1");
    Arbitrary<String> idem = Arbitraries.oneOf(
        Arbitraries.strings().withCharRange('!', '~').ofMaxLength(300).map(s -> "Idempotency-Key: " + s),
        Arbitraries.of("Idempotency-Key: ", "Idempotency-Key: " + "k".repeat(10_000), "Idempotency-Key: \u00ff\u00fe",
            "Idempotency-Key: a\r\nIdempotency-Key: b", "X-Nothing: 1"));
    Arbitrary<String> type = Arbitraries.of("Content-Type: application/json", "Content-Type: application/json",
        "Content-Type: text/plain", "Content-Type: application/json; charset=ebcdic", "Content-Type: ",
        "Content-Type: multipart/form-data; boundary=", "Content-Type: " + "a/".repeat(3000));
    Arbitrary<String> other = Arbitraries.of("Accept: application/xml", "Accept: */*", "Accept: text/event-stream",
        "Transfer-Encoding: chunked", "Content-Encoding: gzip", "Expect: 100-continue", "X-Forwarded-For: 127.0.0.1",
        "Host: evil.example", "Accept-Charset: utf-7", "X-Long: " + "h".repeat(6000), "Range: bytes=0-1");
    return Combinators.combine(auth, idem, type, other).as(List::of);
  }

  @Provide
  Arbitrary<String> methods() {
    return Arbitraries.of("GET", "GET", "GET", "POST", "DELETE", "PUT", "PATCH", "OPTIONS", "TRACE");
  }

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> ids = Arbitraries.oneOf(
        Arbitraries.of("00000000-0000-0000-0000-000000000000", "not-a-uuid", "%00", "%2e%2e%2f%2e%2e", "..", "' OR 1=1 --",
            "%F0%9F%98%80", "%ZZ", "x".repeat(3000), UUID.randomUUID().toString(), "%C0%AE", "vid_", "null"),
        Arbitraries.strings().withCharRange('a', 'z').numeric().ofMaxLength(40));
    Arbitrary<String> query = Arbitraries.of("", "?limit=-1", "?limit=0", "?limit=99999999999", "?limit=abc", "?after=zzz",
        "?after=" + UUID.randomUUID(), "?status=bogus", "?status=completed", "?limit=5&limit=6", "?%ZZ=1",
        "?variant=bogus", "?variant=video", "?variant=", "?" + "q=1&".repeat(500));
    Arbitrary<String> base = Combinators.combine(Arbitraries.of("/v1/videos/", "/v1/videos/", "/v1/videos/{e}/"), ids)
        .as((p, id) -> p.replace("{e}", existingId) + id);
    Arbitrary<String> suffix = Arbitraries.of("", "", "/content", "/cancel", "/events", "/nothing", "/content/x");
    Arbitrary<String> known = Arbitraries.of("/v1/videos", "/v1/videos/", "/v1/videos/" + existingId,
        "/v1/videos/" + existingId + "/content", "/admin/v1/tenants", "/admin/v1/keys/x/revoke", "/v2/videos",
        "/", "/actuator/nothing", "//v1//videos", "/v1/videos;jsessionid=1");
    return Arbitraries.oneOf(Combinators.combine(base, suffix, query).as((b, s, q) -> b + s + q),
        Combinators.combine(known, query).as((k, q) -> k + q));
  }

  @Provide
  Arbitrary<byte[]> images() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    byte[] png = validPng(4, 4);
    Arbitrary<byte[]> truncated = Arbitraries.integers().between(0, png.length - 1)
        .map(n -> java.util.Arrays.copyOf(png, n));
    Arbitrary<byte[]> flipped = Arbitraries.integers().between(8, png.length - 1)
        .map(i -> {
          byte[] copy = png.clone();
          copy[i] ^= (byte) 0x5A;
          return copy;
        });
    Arbitrary<byte[]> fixed = Arbitraries.of(bombPng().getBytes(StandardCharsets.ISO_8859_1), new byte[0],
        new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}, "GIF89a".getBytes(StandardCharsets.ISO_8859_1),
        jpegBomb());
    return Arbitraries.oneOf(random, truncated, flipped, fixed);
  }

  @Provide
  Arbitrary<String> imageTypes() {
    return Arbitraries.of("image/png", "image/jpeg", "application/octet-stream", "text/plain", "image/svg+xml");
  }

  // ---------------------------------------------------------------------------------------------

  private static String jsonString(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20 || Character.isSurrogate(c)) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  private static String metadataMany() {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < 200; i++) {
      b.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
    }
    return b.append('}').toString();
  }

  private static String truncatedPng() {
    byte[] png = validPng(4, 4);
    return new String(java.util.Arrays.copyOf(png, png.length / 2), StandardCharsets.ISO_8859_1);
  }

  /** A small PNG whose header claims 50000 x 50000 pixels (a decompression bomb if decoded blindly). */
  private static String bombPng() {
    return new String(png(50_000, 50_000, new byte[1000]), StandardCharsets.ISO_8859_1);
  }

  /** A JPEG start-of-frame claiming 65000 x 65000. */
  private static byte[] jpegBomb() {
    return new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xC0, 0, 17, 8, (byte) 0xFD, (byte) 0xE8,
        (byte) 0xFD, (byte) 0xE8, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, (byte) 0xFF, (byte) 0xD9};
  }

  private static byte[] validPng(int w, int h) {
    byte[] raw = new byte[h * (1 + 3 * w)];
    return png(w, h, raw);
  }

  private static byte[] png(int w, int h, byte[] raw) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
      java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2)
          .put((byte) 0).put((byte) 0).put((byte) 0);
      chunk(out, "IHDR", ihdr.array());
      Deflater deflater = new Deflater();
      deflater.setInput(raw);
      deflater.finish();
      byte[] buf = new byte[raw.length + 64];
      int n = deflater.deflate(buf);
      chunk(out, "IDAT", java.util.Arrays.copyOf(buf, n));
      chunk(out, "IEND", new byte[0]);
      return out.toByteArray();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws java.io.IOException {
    out.write(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
    byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
    out.write(t);
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
