package dev.walt.worker.walt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walt.testing.WaltIntegrationTest;
import dev.walt.video.DecodedVideo;
import dev.walt.video.VideoDecoder;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service end to end with the production generator: the application on a real PostgreSQL and S3,
 * one CPU worker with the W.A.L.T pipeline on a small config with random weights ({@code
 * walt.model.random-init}; trained weights are what the evaluator checks, not this test). Over HTTP:
 * readiness UP once the worker warmed up; a text job and an image job followed to completed with
 * progress rising, their MP4 downloaded through the signed URL and decoded (the model's size, frame
 * count and fps); a cancel during sampling ends the job cancelled at the next step and the worker then
 * completes the next job, and while it sampled a preview was published (the {@code preview} content
 * variant answers 302 to a WebM before the job ends); parameters the model does not support are a 400 problem at creation.
 */
@WaltIntegrationTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
    "walt.model.random-init=true",
    "walt.worker.progress-throttle=50ms",
    "walt.worker.heartbeat-interval=500ms",
    "walt.auth.pepper=integration-test-pepper-0123456789abcdef",
    "walt.auth.admin-key=integration-admin-key"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WaltGenerationIT {

  @DynamicPropertySource
  static void model(DynamicPropertyRegistry registry) {
    registry.add("walt.model.path", () -> SmallModel.folder().toString());
  }

  @LocalServerPort int port;

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final JsonMapper json = JsonMapper.builder().build();
  String key;

  record Reply(int status, String contentType, String body, JsonNode json, String location) {}

  @BeforeAll
  void keyAndReadiness() throws Exception {
    String tenant = admin("/admin/v1/tenants", "{\"name\": \"generation\"}").json().get("id").asString();
    key = admin("/admin/v1/tenants/" + tenant + "/keys", "{\"name\": \"gen\", \"requests_per_minute\": 100000}").json().get("key").asString();
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    while (get("/actuator/health/readiness", null).status() != 200) {
      assertThat(System.nanoTime()).as("readiness UP after warm-up").isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  @Test
  void readinessIsUpWithAWarmedUpWorker() throws Exception {
    Reply readiness = get("/actuator/health/readiness", null);
    assertThat(readiness.status()).isEqualTo(200);
    assertThat(readiness.json().get("status").asString()).isEqualTo("UP");
  }

  @Test
  void aTextJobAndAnImageJobCompleteWithTheModelsVideo() throws Exception {
    String text = create("{\"prompt\": \"a red ball moves left\", \"steps\": 2, \"seed\": 7}").json().get("id").asString();
    BufferedImage image = new BufferedImage(96, 64, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.BLUE);
    g.fillRect(0, 0, 96, 64);
    g.dispose();
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(image, "png", png);
    String withImage = create("{\"prompt\": \"a blue square\", \"steps\": 2, \"seed\": 8, \"image\": \"data:image/png;base64,"
        + Base64.getEncoder().encodeToString(png.toByteArray()) + "\"}").json().get("id").asString();

    for (String id : List.of(text, withImage)) {
      List<Integer> progress = new ArrayList<>();
      JsonNode video = follow(id, progress, Duration.ofMinutes(4));
      assertThat(video.get("status").asString()).as(video.toString()).isEqualTo("completed");
      assertThat(video.get("progress").asInt()).isEqualTo(100);
      assertThat(video.get("size").asString()).isEqualTo("64x64");
      assertThat(progress).as("progress as polled").isSorted();
      assertThat(progress).as("progress seen between start and end").anyMatch(p -> p > 0 && p < 100);

      byte[] mp4 = fetch(video.get("video_url").asString());
      DecodedVideo decoded = new VideoDecoder().decode(mp4);
      assertThat(decoded.info().width()).isEqualTo(SmallModel.SIZE);
      assertThat(decoded.info().height()).isEqualTo(SmallModel.SIZE);
      assertThat(decoded.info().frameCount()).isEqualTo(17);
      assertThat(decoded.info().fps()).isEqualTo(SmallModel.FPS);
      assertThat(decoded.clip().frameCount()).isEqualTo(17);
      assertThat(fetch(video.get("thumbnail_url").asString())).isNotEmpty();
    }
  }

  @Test
  void aCancelDuringSamplingEndsTheJobAtTheNextStepAndTheWorkerTakesTheNextJob() throws Exception {
    String id = create("{\"prompt\": \"a long one\", \"steps\": 250, \"frames\": 29, \"seed\": 3}").json().get("id").asString();
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    JsonNode video;
    do {
      Thread.sleep(50);
      video = get("/v1/videos/" + id, key).json();
      assertThat(System.nanoTime()).as("sampling started").isLessThan(deadline);
    } while (!(video.get("status").asString().equals("in_progress") && video.get("progress").asInt() >= 1));
    assertThat(video.get("progress").asInt()).isLessThan(50);

    // while it samples, a preview of the current estimate is published (the preview variant)
    Reply preview;
    do {
      Thread.sleep(100);
      preview = get("/v1/videos/" + id + "/content?variant=preview", key);
      assertThat(System.nanoTime()).as("a preview while generating").isLessThan(deadline);
    } while (preview.status() == 409);
    assertThat(preview.status()).as(preview.body()).isEqualTo(302);
    assertThat(fetch(preview.location())).isNotEmpty();
    // and the video object carries its signed URL (a WebM: EBML magic) with when it was last replaced
    JsonNode running = get("/v1/videos/" + id, key).json();
    assertThat(running.get("status").asString()).isEqualTo("in_progress");
    assertThat(fetch(running.get("preview_url").asString())).startsWith(0x1A, 0x45, 0xDF, 0xA3);
    assertThat(running.get("preview_updated_at").asLong()).isBetween(running.get("started_at").asLong(),
        running.get("url_expires_at").asLong());

    long asked = System.nanoTime();
    assertThat(post("/v1/videos/" + id + "/cancel", "").status()).isEqualTo(200);
    do {
      Thread.sleep(20);
      video = get("/v1/videos/" + id, key).json();
    } while (!video.get("status").asString().equals("cancelled") && System.nanoTime() - asked < 30e9);
    double seconds = (System.nanoTime() - asked) / 1e9;
    assertThat(video.get("status").asString()).isEqualTo("cancelled");
    // one base step of this model takes well under a second here; the bound leaves room for a busy CI machine
    assertThat(seconds).as("seconds from cancel to cancelled").isLessThan(5);
    System.out.printf("cancelled %.3f s after the request, at %d%%%n", seconds, video.get("progress").asInt());

    String next = create("{\"prompt\": \"the next one\", \"steps\": 2, \"seed\": 4}").json().get("id").asString();
    assertThat(follow(next, new ArrayList<>(), Duration.ofMinutes(4)).get("status").asString()).isEqualTo("completed");
  }

  @Test
  void parametersTheModelDoesNotSupportAreA400AtCreation() throws Exception {
    for (String[] bad : new String[][] {
        {"{\"prompt\": \"x\", \"frames\": 18}", "frames"},
        {"{\"prompt\": \"x\", \"frames\": 41}", "frames"},
        {"{\"prompt\": \"x\", \"size\": \"128x128\"}", "size"},
        {"{\"prompt\": \"x\", \"steps\": 1000}", "steps"},
        {"{\"prompt\": \"x\", \"fps\": 24}", "fps"},
        {"{\"prompt\": \"x\", \"guidance_scale\": 50}", "guidance_scale"},
        {"{\"prompt\": \"x\", \"seconds\": 2.5}", "seconds"}}) {
      Reply r = create(bad[0]);
      assertThat(r.status()).as(bad[0] + " -> " + r.body()).isEqualTo(400);
      assertThat(r.contentType()).startsWith("application/problem+json");
      assertThat(r.json().get("type").asString()).isEqualTo("https://walt.dev/problems/invalid-request");
      assertThat(r.json().get("errors").get(0).get("field").asString()).as(r.body()).isEqualTo(bad[1]);
    }
    // what the model supports is accepted: continuation to 29 frames, its size and fps
    Reply ok = create("{\"prompt\": \"x\", \"frames\": 29, \"size\": \"64x64\", \"fps\": 8, \"steps\": 1}");
    assertThat(ok.status()).as(ok.body()).isEqualTo(202);
    assertThat(ok.json().get("size").asString()).isEqualTo("64x64");
    assertThat(post("/v1/videos/" + ok.json().get("id").asString() + "/cancel", "").status()).isEqualTo(200);
  }

  // --- HTTP

  JsonNode follow(String id, List<Integer> progress, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Reply reply = get("/v1/videos/" + id, key);
      assertThat(reply.status()).as(reply.body()).isEqualTo(200);
      JsonNode video = reply.json();
      progress.add(video.get("progress").asInt());
      String status = video.get("status").asString();
      if (status.equals("completed") || status.equals("failed") || status.equals("cancelled")) {
        return video;
      }
      assertThat(System.nanoTime()).as("job " + id + " finished").isLessThan(deadline);
      Thread.sleep(25);
    }
  }

  Reply create(String body) throws Exception {
    return post("/v1/videos", body);
  }

  Reply post(String path, String body) throws Exception {
    return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  Reply get(String path, String bearer) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET();
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return send(b);
  }

  Reply admin(String path, String body) throws Exception {
    return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .header("Authorization", "Bearer integration-admin-key").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  Reply send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    JsonNode node = r.body() != null && r.body().trim().startsWith("{") ? json.readTree(r.body()) : null;
    return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), node,
        r.headers().firstValue("Location").orElse(""));
  }

  byte[] fetch(String url) throws Exception {
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }
}
