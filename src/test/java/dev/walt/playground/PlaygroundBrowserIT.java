package dev.walt.playground;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.walt.testing.WaltIntegrationTest;
import dev.walt.worker.VideoGeneratorFactory;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The playground in a real browser (Debian's Chromium, headless, through Debian's chromedriver; no
 * browser or driver is downloaded) against the whole application on real PostgreSQL and S3, with a
 * fast test generator in place of the model. Screenshots at desktop and phone widths are written to
 * {@code target/playground-screenshots/}.
 *
 * <p>Chromium is required: install it with {@code apt-get install chromium chromium-driver} ({@code .ci/run}
 * does), or point {@code -Dplayground.chromium} and {@code -Dplayground.chromedriver} at another build.
 */
@WaltIntegrationTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
    "walt.worker.threads=1",
    "walt.worker.progress-throttle=100ms",
    "walt.worker.poll-interval=1s",
    "walt.api.events.poll-interval=100ms"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlaygroundBrowserIT {

  static final Path SCREENSHOTS = PlaygroundBrowser.SCREENSHOTS;
  static final Path DEV_KEY_DIR = tempDir();
  static final Path DEV_KEY_FILE = DEV_KEY_DIR.resolve("dev-api-key");
  static final Duration WAIT = Duration.ofSeconds(90);

  @TestConfiguration
  static class Generator {
    @Bean
    @org.springframework.context.annotation.Primary // over the bundled model's factory: the page is under test here
    VideoGeneratorFactory playgroundTestGeneratorFactory() {
      return index -> new MovingSquareGenerator();
    }
  }

  @DynamicPropertySource
  static void devKeyFile(DynamicPropertyRegistry registry) {
    registry.add("walt.auth.dev-key-file", DEV_KEY_FILE::toString);
  }

  @LocalServerPort int port;

  PlaygroundBrowser page;
  ChromeDriver driver;
  WebDriverWait wait;
  String base;
  String apiKey;
  String completedId;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  final JsonMapper json = JsonMapper.builder().build();

  @BeforeAll
  void startBrowser() throws IOException {
    page = new PlaygroundBrowser(port, WAIT);
    driver = page.driver;
    wait = page.wait;
    base = page.base;
  }

  @AfterAll
  void stopBrowser() {
    if (page != null) {
      page.close();
    }
  }

  @Test
  @Order(1)
  void theRootLeadsToThePageWhichNamesTheDevelopmentKeyFileAndShowsTheLimits() throws Exception {
    driver.get(base + "/");
    assertThat(driver.getCurrentUrl()).isEqualTo(base + "/playground/");
    assertThat(driver.getTitle()).isEqualTo("walt playground");

    WebElement devKeyPath = driver.findElement(By.id("dev-key-path"));
    wait.until(d -> devKeyPath.isDisplayed());
    assertThat(devKeyPath.getText()).isEqualTo(DEV_KEY_FILE.toAbsolutePath().toString());
    assertThat(driver.getPageSource()).doesNotContain(Files.readString(DEV_KEY_FILE).strip());

    // the limits come from /playground/config, the API's GenerationLimits
    JsonNode config = json.readTree(get("/playground/config", null).body());
    click(By.cssSelector("#advanced summary"));
    WebElement frames = driver.findElement(By.id("frames"));
    assertThat(frames.getDomAttribute("min")).isEqualTo(config.at("/limits/frames/min").asText());
    assertThat(frames.getDomAttribute("max")).isEqualTo(config.at("/limits/frames/max").asText());
    assertThat(driver.findElement(By.id("steps-hint")).getText())
        .isEqualTo(config.at("/limits/steps/min").asInt() + "–" + config.at("/limits/steps/max").asInt()
            + " · default " + config.at("/limits/steps/default").asInt());
    click(By.cssSelector("#advanced summary"));

    // the config endpoint is documented; the page routes are not API
    String openApi = get("/v3/api-docs", null).body();
    assertThat(json.readTree(openApi).at("/paths").has("/playground/config")).isTrue();
    assertThat(json.readTree(openApi).at("/paths").has("/playground/")).isFalse();

    // every control has an accessible name
    List<?> unlabelled = (List<?>) js("""
        return [...document.querySelectorAll('input, textarea, select, button')]
          .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                    && !e.getAttribute('aria-labelledby') && !e.textContent.trim())
          .map(e => e.id || e.outerHTML);""");
    assertThat(unlabelled).isEmpty();
  }

  @Test
  @Order(2)
  void aWrongKeyIsRefusedNextToTheKeyFieldAndTheDevelopmentKeyIsAccepted() throws Exception {
    type(By.id("api-key"), "walt_not-a-real-key");
    click(By.id("save-key"));
    wait.until(d -> !text("api-key-error").isEmpty());
    assertThat(driver.findElement(By.id("api-key")).getDomAttribute("aria-invalid")).isEqualTo("true");
    assertThat(js("return sessionStorage.getItem('walt.apiKey')")).as("a refused key is not kept").isNull();

    apiKey = Files.readString(DEV_KEY_FILE).strip();
    type(By.id("api-key"), apiKey);
    click(By.id("save-key"));
    wait.until(d -> text("key-state").equals("Key accepted for this tab"));
    assertThat(text("api-key-error")).isEmpty();
    assertThat(js("return sessionStorage.getItem('walt.apiKey')")).isEqualTo(apiKey);
    assertThat(driver.getCurrentUrl()).doesNotContain(apiKey);
  }

  @Test
  @Order(3)
  void anEmptyPromptIsShownAsTheApisMessageNextToThePromptField() throws IOException {
    type(By.id("prompt"), "");
    // by keyboard alone: from the prompt, Tab reaches the image picker, the advanced parameters and the button
    List<String> visited = new ArrayList<>();
    for (int i = 0; i < 8 && !"submit".equals(js("return document.activeElement.id")); i++) {
      new Actions(driver).sendKeys(Keys.TAB).perform(); // key presses, not text for a file input
      visited.add((String) js("const e = document.activeElement; return e.id || e.tagName.toLowerCase()"));
    }
    assertThat(visited).containsSubsequence("image", "summary", "submit");
    new Actions(driver).sendKeys(Keys.ENTER).perform();
    wait.until(d -> !text("prompt-error").isEmpty());
    assertThat(text("prompt-error")).isEqualTo("Prompt is required.");
    WebElement prompt = driver.findElement(By.id("prompt"));
    assertThat(prompt.getDomAttribute("aria-invalid")).isEqualTo("true");
    assertThat(prompt.getDomAttribute("aria-describedby")).contains("prompt-error");
    assertThat(js("return document.getElementById('prompt-error').closest('.field') === "
        + "document.getElementById('prompt').closest('.field')")).isEqualTo(true);
    assertThat(js("return document.activeElement.id")).isEqualTo("prompt");
    assertThat(driver.findElement(By.id("form-alert")).isDisplayed()).isFalse();
    screenshot("desktop-error");
  }

  @Test
  @Order(4)
  void aPromptBecomesAPlayableVideoWithAMovingProgressBarAndAppearsInTheHistory() throws Exception {
    type(By.id("prompt"), "a coral square gliding over an indigo sky");
    assertThat(text("prompt-error")).isEmpty(); // typing clears the error
    click(By.cssSelector("#advanced summary"));
    type(By.id("frames"), "17");
    type(By.id("steps"), "30");
    type(By.id("seed"), "1234");
    page.recordProgress();
    click(By.id("submit"));

    wait.until(d -> "completed".equals(status()));
    PlaygroundBrowser.Progress progress = page.recordedProgress();
    completedId = driver.findElement(By.id("result")).getDomAttribute("data-video-id");
    assertThat(completedId).isNotBlank();

    // the bar moved: values strictly between 0 and 100 while generating, never going back
    List<?> seen = progress.seen();
    List<Double> running = progress.whileRunning();
    assertThat(running).as("progress values seen while in progress: %s", seen)
        .anyMatch(v -> v > 0 && v < 100);
    assertThat(running).isSorted();
    assertThat(driver.findElement(By.id("progress")).getDomProperty("value")).isEqualTo("100");

    // the video plays: loaded, 17 frames at the model's 8 fps (walt-tiny: 17 or 17 + 12k frames)
    JsonNode video = json.readTree(get("/v1/videos/" + completedId, apiKey).body());
    assertThat(video.get("frames").asInt()).isEqualTo(17);
    double expected = video.get("frames").asDouble() / video.get("fps").asDouble();
    wait.until(d -> ((Number) js("return document.getElementById('video').readyState")).intValue() >= 2);
    double duration = ((Number) js("return document.getElementById('video').duration")).doubleValue();
    assertThat(duration).isCloseTo(expected, within(0.15));
    assertThat(((Number) js("return document.getElementById('video').videoWidth")).intValue()).isEqualTo(128);
    assertThat(driver.findElement(By.id("video")).isDisplayed()).isTrue();
    js("const v = document.getElementById('video'); v.muted = true; v.play();");
    wait.until(d -> ((Number) js("return document.getElementById('video').currentTime")).doubleValue() > 0.2);

    // seed, downloads, "same again" and "new seed"
    assertThat(text("fact-seed")).isEqualTo("1234").isEqualTo(video.get("seed").asText());
    assertThat(driver.findElement(By.id("download-video")).getDomAttribute("href")).contains(completedId + "/");
    assertThat(driver.findElement(By.id("download-thumb")).getDomAttribute("href")).contains("thumbnail");
    assertThat(driver.findElement(By.id("same-again")).isDisplayed()).isTrue();
    assertThat(driver.findElement(By.id("new-seed")).isDisplayed()).isTrue();
    assertThat(driver.findElement(By.id("cancel")).isDisplayed()).isFalse();
    assertThat(text("status-line")).startsWith("Done: 2.1").contains("s of video, seed 1234");

    // the history shows it, completed, with its thumbnail
    String item = "#history-list li[data-id='" + completedId + "']";
    wait.until(d -> !d.findElements(By.cssSelector(item + "[data-status='completed'] img")).isEmpty());
    wait.until(d -> ((Number) js("return document.querySelector(\"" + item + " img\").naturalWidth")).intValue() > 0);
    assertThat(driver.findElement(By.cssSelector(item + " .history-prompt")).getText())
        .isEqualTo("a coral square gliding over an indigo sky");

    assertOnlyServiceResources(video);
    js("window.scrollTo(0, 0)");
    screenshot("desktop");
  }

  @Test
  @Order(5)
  void sameAgainKeepsTheSeedAndNewSeedDoesNot() throws Exception {
    click(By.id("same-again"));
    wait.until(d -> !completedId.equals(currentId()) && currentId() != null);
    String again = currentId();
    wait.until(d -> "completed".equals(status()));
    JsonNode video = json.readTree(get("/v1/videos/" + again, apiKey).body());
    assertThat(video.get("seed").asLong()).isEqualTo(1234);
    assertThat(video.get("prompt").asText()).isEqualTo("a coral square gliding over an indigo sky");

    click(By.id("new-seed"));
    wait.until(d -> !again.equals(currentId()));
    String fresh = currentId();
    wait.until(d -> "completed".equals(status()));
    JsonNode other = json.readTree(get("/v1/videos/" + fresh, apiKey).body());
    assertThat(other.get("seed").asLong()).isNotEqualTo(1234);
    assertThat(text("fact-seed")).isEqualTo(other.get("seed").asText());
  }

  @Test
  @Order(6)
  void anImageIsPickedOrDroppedPreviewedCheckedAndSent() throws Exception {
    Path png = SCREENSHOTS.getParent().resolve("playground-first-frame.png");
    BufferedImage frame = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = frame.createGraphics();
    g.setColor(new Color(0xf97316));
    g.fillRect(0, 0, 64, 48);
    g.dispose();
    ImageIO.write(frame, "png", png.toFile());

    // a file that is not an image is refused on the page, next to the image field
    js("""
        const dt = new DataTransfer();
        dt.items.add(new File(['hello'], 'notes.txt', {type: 'text/plain'}));
        const zone = document.getElementById('dropzone');
        zone.dispatchEvent(new DragEvent('dragenter', {dataTransfer: dt, bubbles: true, cancelable: true}));
        zone.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));""");
    assertThat(text("image-error")).isEqualTo("Image must be a PNG, JPEG or WebP file.");
    assertThat(driver.findElement(By.id("image-preview")).isDisplayed()).isFalse();

    // a PNG whose bytes are not an image: the API's message, next to the image field
    js("""
        const dt = new DataTransfer();
        dt.items.add(new File(['not really a png'], 'broken.png', {type: 'image/png'}));
        document.getElementById('dropzone').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));""");
    assertThat(text("image-error")).isEmpty();
    wait.until(d -> driver.findElement(By.id("image-preview")).isDisplayed());
    type(By.id("prompt"), "an orange first frame that comes alive");
    click(By.id("submit"));
    wait.until(d -> !text("image-error").isEmpty());
    assertThat(text("image-error")).matches("[A-Z].*\\.");
    assertThat(driver.findElement(By.id("form-alert")).isDisplayed()).isFalse();
    assertThat(driver.findElement(By.id("image")).getDomAttribute("aria-invalid")).isEqualTo("true");
    assertThat(text("prompt-error")).isEmpty();

    // the file picker: previewed, then sent with the prompt
    click(By.id("image-remove"));
    assertThat(driver.findElement(By.id("dropzone-empty")).isDisplayed()).isTrue();
    driver.findElement(By.id("image")).sendKeys(png.toAbsolutePath().toString());
    wait.until(d -> driver.findElement(By.id("image-preview")).isDisplayed());
    wait.until(d -> ((Number) js("return document.getElementById('image-thumb').naturalWidth")).intValue() == 64);
    assertThat(text("image-name")).startsWith("playground-first-frame.png");
    type(By.id("steps"), "5");
    type(By.id("seed"), "");
    String before = currentId();
    click(By.id("submit"));
    wait.until(d -> currentId() != null && !currentId().equals(before));
    wait.until(d -> "completed".equals(status()));
    JsonNode video = json.readTree(get("/v1/videos/" + currentId(), apiKey).body());
    assertThat(video.get("has_image").asBoolean()).isTrue();
    assertThat(video.get("prompt").asText()).isEqualTo("an orange first frame that comes alive");
    click(By.id("image-remove"));
  }

  @Test
  @Order(7)
  void theLivePreviewPlaysWhileTheJobRunsAndIsReplacedByTheVideo() throws Exception {
    // 30 steps of 400 ms: 12 s of sampling, a preview published every 2 s
    type(By.id("prompt"), "a slow violet square seen while it forms");
    type(By.id("seed"), "77");
    type(By.id("steps"), "30");
    String before = currentId();
    js("""
        window.__previews = [];
        window.__previewSampler = setInterval(() => {
          const v = document.getElementById('preview-video');
          const s = document.getElementById('job-status').dataset.status;
          if (v && !v.hidden && v.readyState >= 2 && s === 'in_progress') {
            const last = window.__previews[window.__previews.length - 1];
            if (!last || last.version !== v.dataset.version) {
              window.__previews.push({version: v.dataset.version, src: v.currentSrc, width: v.videoWidth,
                                      height: v.videoHeight, shownAt: Date.now()});
            }
          }
        }, 20);""");
    click(By.id("submit"));
    wait.until(d -> currentId() != null && !currentId().equals(before));
    String id = currentId();

    // while it runs: the object carries a signed preview URL, and the page plays it
    JsonNode running = waitForVideo(id, v -> "in_progress".equals(v.path("status").asText()) && v.hasNonNull("preview_url"));
    assertThat(running.get("preview_updated_at").asLong()).isPositive();
    assertThat(running.get("url_expires_at").asLong()).isGreaterThan(running.get("preview_updated_at").asLong());
    assertThat(running.has("video_url")).isFalse();
    wait.until(d -> "in_progress".equals(status()) && driver.findElement(By.id("preview-video")).isDisplayed()
        && ((Number) js("return document.getElementById('preview-video').readyState")).intValue() >= 2);
    wait.until(d -> !(Boolean) js("return document.getElementById('preview-video').paused"));
    assertThat(((Number) js("return document.getElementById('preview-video').videoWidth")).intValue())
        .as("the preview is the small base-stage size, not the video's").isEqualTo(128 / MovingSquareGenerator.PREVIEW_DIVISOR);
    assertThat(driver.findElement(By.id("video")).isDisplayed()).isFalse();
    assertThat(driver.findElement(By.id("placeholder")).isDisplayed()).isFalse();
    assertThat(text("preview-bar")).contains("Live preview");
    assertThat(text("status-line")).contains("Live preview shown.");
    assertThat(driver.findElement(By.id("preview-video")).getDomAttribute("aria-label")).isNotBlank();
    js("document.getElementById('result').scrollIntoView()");
    screenshot("desktop-live-preview");

    // the looping preview can be paused by keyboard (and played again)
    driver.findElement(By.id("preview-toggle")).sendKeys(Keys.ENTER);
    wait.until(d -> (Boolean) js("return document.getElementById('preview-video').paused"));
    assertThat(driver.findElement(By.id("preview-toggle")).getDomAttribute("aria-pressed")).isEqualTo("true");
    assertThat(text("preview-toggle")).isEqualTo("Play preview");
    driver.findElement(By.id("preview-toggle")).sendKeys(Keys.ENTER);
    wait.until(d -> !(Boolean) js("return document.getElementById('preview-video').paused"));
    assertThat(driver.findElement(By.id("preview-toggle")).getDomAttribute("aria-pressed")).isEqualTo("false");

    // then the finished video takes its place
    wait.until(d -> "completed".equals(status()));
    js("clearInterval(window.__previewSampler)");
    wait.until(d -> ((Number) js("return document.getElementById('video').readyState")).intValue() >= 2);
    assertThat(driver.findElement(By.id("video")).isDisplayed()).isTrue();
    assertThat(driver.findElement(By.id("preview-video")).isDisplayed()).isFalse();
    assertThat(driver.findElement(By.id("preview-bar")).isDisplayed()).isFalse();
    assertThat(((Number) js("return document.getElementById('video').videoWidth")).intValue()).isEqualTo(128);
    JsonNode done = json.readTree(get("/v1/videos/" + id, apiKey).body());
    assertThat(done.has("preview_url")).as("no live preview once completed").isFalse();

    // the page showed newer previews as they came, each from the signed storage URL of this attempt
    List<?> previews = (List<?>) js("return window.__previews");
    assertThat(previews).as("previews shown: %s", previews).hasSizeGreaterThanOrEqualTo(2);
    String storagePrefix = URI.create(done.get("video_url").asText()).resolve("preview.webm").toString();
    for (Object p : previews) {
      Map<?, ?> shown = (Map<?, ?>) p;
      assertThat(shown.get("src").toString()).startsWith(storagePrefix + "?");
      assertThat(((Number) shown.get("width")).intValue()).isEqualTo(32);
    }
    assertOnlyServiceResources(done);
  }

  @Test
  @Order(8)
  void queuedAndRunningJobsAreCancelled() throws Exception {
    type(By.id("prompt"), "a slow teal square that will be cancelled");
    type(By.id("seed"), "");
    type(By.id("steps"), "60");
    click(By.id("submit"));
    wait.until(d -> "in_progress".equals(status())
        && ((Number) js("return document.getElementById('progress').value")).doubleValue() > 0);
    String running = currentId();

    // one worker is busy: the next job waits, first in line
    type(By.id("prompt"), "a slow amber square that waits in the queue");
    click(By.id("submit"));
    wait.until(d -> !running.equals(currentId()) && "queued".equals(status()));
    String queued = currentId();
    assertThat(text("status-line")).isEqualTo("Queued — yours is next.");
    assertThat(driver.findElement(By.id("cancel")).isDisplayed()).isTrue();
    screenshot("desktop-queued");
    click(By.id("cancel"));
    wait.until(d -> "cancelled".equals(status()));
    assertThat(text("status-line")).isEqualTo("Cancelled.");

    // the running one, opened from the history, stops at its next step
    click(By.cssSelector("#history-list li[data-id='" + running + "'] button"));
    wait.until(d -> running.equals(currentId()) && "in_progress".equals(status()));
    screenshot("desktop-running");
    click(By.id("cancel"));
    wait.until(d -> "cancelled".equals(status()));
    assertThat(driver.findElement(By.id("cancel")).isDisplayed()).isFalse();
    for (String id : List.of(running, queued)) {
      assertThat(json.readTree(get("/v1/videos/" + id, apiKey).body()).get("status").asText()).isEqualTo("cancelled");
      wait.until(d -> !d.findElements(By.cssSelector("#history-list li[data-id='" + id + "'][data-status='cancelled']")).isEmpty());
    }
  }

  @Test
  @Order(9)
  void theHistoryPagesWithItsCursor() throws Exception {
    String[] prompts = {"ocean waves at dusk", "a paper boat on a stream", "city lights in the rain",
        "a hummingbird in slow motion", "snow falling on pines", "a campfire under stars",
        "clouds over mountains", "a cat chasing a laser dot", "northern lights", "sunflowers in the wind",
        "a lighthouse in fog", "neon signs flickering"};
    List<String> ids = new ArrayList<>();
    for (String prompt : prompts) {
      HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/videos"))
          .header("Authorization", "Bearer " + apiKey)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(
              Map.of("prompt", prompt, "frames", 17, "steps", 1, "seed", ids.size() * 37))))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
      ids.add(json.readTree(created.body()).get("id").asText());
    }
    String last = ids.get(ids.size() - 1);
    wait.until(d -> {
      try {
        return "completed".equals(json.readTree(get("/v1/videos/" + last, apiKey).body()).get("status").asText());
      } catch (Exception e) {
        return false;
      }
    });

    click(By.id("history-refresh"));
    wait.until(d -> d.findElements(By.cssSelector("#history-list li")).size() == 12
        && d.findElement(By.id("load-more")).isDisplayed());
    assertThat(driver.findElement(By.cssSelector("#history-list li")).getDomAttribute("data-id")).isEqualTo(last);
    int total = json.readTree(get("/v1/videos?limit=100", apiKey).body()).get("data").size();
    assertThat(total).isEqualTo(12 + 7); // and the seven made in the browser
    click(By.id("load-more"));
    wait.until(d -> d.findElements(By.cssSelector("#history-list li")).size() == total);
    assertThat(driver.findElement(By.id("load-more")).isDisplayed()).isFalse();
    List<String> shown = driver.findElements(By.cssSelector("#history-list li")).stream()
        .map(e -> e.getDomAttribute("data-id")).toList();
    assertThat(shown).doesNotHaveDuplicates().contains(completedId);

    // opening a finished job from the history shows its video
    click(By.cssSelector("#history-list li[data-id='" + completedId + "'] button"));
    wait.until(d -> completedId.equals(currentId()) && "completed".equals(status()));
    wait.until(d -> ((Number) js("return document.getElementById('video').readyState")).intValue() >= 2);
    js("window.scrollTo(0, 0)");
    screenshot("desktop-history");
  }

  @Test
  @Order(10)
  void thePageFitsAPhone() throws Exception {
    viewport(390, 844, true);
    driver.navigate().refresh(); // the key stays in the tab's session storage
    wait.until(d -> text("key-state").equals("Key accepted for this tab"));
    wait.until(d -> d.findElements(By.cssSelector("#history-list li")).size() == 12);
    assertThat(((Number) js("return document.documentElement.scrollWidth")).intValue())
        .as("no horizontal scrolling at phone width").isLessThanOrEqualTo(390);
    js("window.scrollTo(0, 0)");
    screenshot("phone");
    String newest = driver.findElement(By.cssSelector("#history-list li[data-status='completed']")).getDomAttribute("data-id");
    click(By.cssSelector("#history-list li[data-id='" + newest + "'] button"));
    wait.until(d -> newest.equals(currentId()) && "completed".equals(status()));
    wait.until(d -> ((Number) js("return document.getElementById('video').readyState")).intValue() >= 2);
    assertThat(((Number) js("return document.documentElement.scrollWidth")).intValue()).isLessThanOrEqualTo(390);
    js("document.getElementById('result').scrollIntoView()");
    screenshot("phone-result");
    viewport(360, 740, true);
    assertThat(((Number) js("return document.documentElement.scrollWidth")).intValue())
        .as("no horizontal scrolling at 360 px").isLessThanOrEqualTo(360);
  }

  // ---------------------------------------------------------------- helpers

  /** Every resource the page loaded came from this service or its storage (signed URLs). */
  private void assertOnlyServiceResources(JsonNode video) {
    URI storage = URI.create(video.get("video_url").asText());
    String storageOrigin = storage.getScheme() + "://" + storage.getRawAuthority();
    List<?> urls = (List<?>) js("return performance.getEntriesByType('resource').map(e => e.name)");
    assertThat(urls).isNotEmpty().allSatisfy(url ->
        assertThat(url.toString()).satisfiesAnyOf(
            u -> assertThat(u).startsWith(base + "/"),
            u -> assertThat(u).startsWith(storageOrigin + "/")));
  }

  /** Polls the video through the API until {@code until} holds. */
  private JsonNode waitForVideo(String id, java.util.function.Predicate<JsonNode> until) {
    JsonNode[] last = new JsonNode[1];
    wait.until(d -> {
      try {
        last[0] = json.readTree(get("/v1/videos/" + id, apiKey).body());
        return until.test(last[0]);
      } catch (IOException | InterruptedException e) {
        return false;
      }
    });
    return last[0];
  }

  private HttpResponse<String> get(String path, String key) throws IOException, InterruptedException {
    return page.get(path, key);
  }

  private Object js(String script) {
    return page.js(script);
  }

  private String text(String id) {
    return page.text(id);
  }

  private String status() {
    return page.status();
  }

  private String currentId() {
    return page.currentId();
  }

  private void click(By by) {
    page.click(by);
  }

  private void type(By by, String value) {
    page.type(by, value);
  }

  private void viewport(int width, int height, boolean mobile) {
    page.viewport(width, height, mobile);
  }

  private void screenshot(String name) throws IOException {
    page.screenshot(name);
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("walt-playground-key-");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
