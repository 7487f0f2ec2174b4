package dev.walt.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walt.eval.Analyser;
import dev.walt.eval.Analysis;
import dev.walt.eval.Psnr;
import dev.walt.video.DecodedVideo;
import dev.walt.video.VideoDecoder;
import dev.walt.world.Background;
import dev.walt.world.Colour;
import dev.walt.world.Frames;
import dev.walt.world.Motion;
import dev.walt.world.Scene;
import dev.walt.world.SceneRenderer;
import dev.walt.world.Shape;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The product as a newcomer runs it: nothing configured (embedded PostgreSQL and S3 under a fresh data
 * folder, the bundled, trained {@code walt-tiny} on the CPU, both roles, the development key from its
 * file). Over HTTP: readiness UP once the worker has loaded and warmed up the model; a text-to-video
 * job and an image-to-video job, each followed to {@code completed}, their MP4 fetched through the
 * signed URL and decoded, then read by the evaluator's {@link Analyser}: the text job shows an object of
 * the prompt's colour on the prompt's background, and the image job's first frame is the given image (PSNR against the image at
 * the output size) with the image's object colour.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BundledModelServiceIT {

  private static final Path DATA_DIR = EmbeddedDefault.dataDir("walt-bundled-it-");

  @DynamicPropertySource
  static void embeddedDefault(DynamicPropertyRegistry registry) {
    EmbeddedDefault.register(registry, DATA_DIR);
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final JsonMapper json = JsonMapper.builder().build();
  private final Analyser analyser = Analyser.shipped();

  @LocalServerPort int port;
  private String key;

  @BeforeAll
  void readyWithTheDevelopmentKey() throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (get("/actuator/health/readiness").statusCode() != 200) {
      assertThat(System.nanoTime()).as("readiness UP once a worker warmed up the bundled model").isLessThan(deadline);
      Thread.sleep(250);
    }
    key = Files.readString(DATA_DIR.resolve("dev-api-key")).trim();
  }

  @Test
  void aTextJobShowsThePromptsColourOnItsBackground() throws Exception {
    JsonNode video = follow(create("{\"prompt\": \"a yellow square moving right on a navy background\", \"seed\": 42}"));
    assertThat(video.get("size").asString()).isEqualTo("128x128");
    List<BufferedImage> frames = download(video);
    Analysis analysis = analyser.analyse(frames);
    System.out.println("text job read back as " + analysis);
    // what the bundled model (release 7) follows on 20 held-out prompts: the background (20), the colour (20)
    // and the motion (20): docs/model-card.md, issue 6. This prompt and seed read back right on all three,
    // well clear of the analyser's thresholds (travel 0.40 of the frame to the right)
    assertThat(analysis.background()).as(analysis.toString()).isEqualTo("navy");
    assertThat(analysis.colour()).as(analysis.toString()).isEqualTo("yellow");
    assertThat(analysis.hasObject()).as(analysis.toString()).isTrue();
    assertThat(analysis.motion()).as(analysis.toString()).isEqualTo("right");
  }

  @Test
  void anImageJobStartsWithTheImage() throws Exception {
    Scene scene = new Scene(Shape.CIRCLE, Colour.MAGENTA, Background.WHITE, Motion.DOWN, 0.3, 0.5, 0.3, 0.4, 17, 0);
    BufferedImage image = SceneRenderer.renderFrame(scene, 0, 256);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(image, "png", png);
    JsonNode video = follow(create("{\"prompt\": \"a magenta circle moving down on a white background\", \"seed\": 7,"
        + " \"image\": \"data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray()) + "\"}"));
    List<BufferedImage> frames = download(video);
    double psnr = Psnr.of(frames.get(0), Frames.downsample(image, frames.get(0).getWidth()));
    Analysis analysis = analyser.analyse(frames);
    System.out.printf("image job: first-frame PSNR %.2f dB, read back as %s%n", psnr, analysis);
    assertThat(psnr).as("first-frame PSNR (dB) against the image").isGreaterThanOrEqualTo(28);
    assertThat(analysis.colour()).isEqualTo("magenta");
    assertThat(analysis.motion()).as("the prompt's direction, from the given first frame").isEqualTo("down");
  }

  private List<BufferedImage> download(JsonNode video) throws Exception {
    HttpResponse<byte[]> mp4 =
        http.send(HttpRequest.newBuilder(URI.create(video.get("video_url").asString())).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(mp4.statusCode()).isEqualTo(200);
    DecodedVideo decoded = new VideoDecoder().decode(mp4.body());
    assertThat(decoded.info().frameCount()).isEqualTo(17);
    assertThat(decoded.info().fps()).isEqualTo(8);
    return decoded.clip().frames();
  }

  private String create(String body) throws Exception {
    HttpResponse<String> r =
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/videos"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return json.readTree(r.body()).get("id").asString();
  }

  private JsonNode follow(String id) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(8).toNanos();
    List<Integer> progress = new ArrayList<>();
    while (true) {
      HttpResponse<String> r =
          http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/videos/" + id))
                  .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode video = json.readTree(r.body());
      progress.add(video.get("progress").asInt());
      String status = video.get("status").asString();
      if (!status.equals("queued") && !status.equals("in_progress")) {
        assertThat(status).as(video.toString()).isEqualTo("completed");
        assertThat(progress).as("progress as polled").isSorted();
        return video;
      }
      assertThat(System.nanoTime()).as("job " + id + " finished").isLessThan(deadline);
      Thread.sleep(200); // well inside the development key's 600 requests a minute
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
