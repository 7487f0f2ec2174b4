package dev.walt.playground;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.walt.system.EmbeddedDefault;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The playground as a newcomer meets it: the application on its embedded default (nothing configured:
 * embedded PostgreSQL and S3 in a fresh data folder, the bundled {@code walt-tiny} on the CPU, the
 * development key in its file), driven in Debian's Chromium. The key from the file the page names, a
 * prompt that becomes a playable video of the model (progress bar moving, the video's duration, the job
 * in the history), a running job cancelled, an empty prompt's message next to the field; screenshots at
 * desktop and phone widths ({@code target/playground-screenshots/bundled-*}). {@link PlaygroundBrowserIT}
 * covers the rest of the page with a fast stand-in generator.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {"walt.worker.progress-throttle=100ms", "walt.api.events.poll-interval=100ms"})
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlaygroundBundledModelIT {

  private static final Path DATA_DIR = EmbeddedDefault.dataDir("walt-playground-bundled-");

  @DynamicPropertySource
  static void embeddedDefault(DynamicPropertyRegistry registry) {
    EmbeddedDefault.register(registry, DATA_DIR);
  }

  @LocalServerPort int port;

  private final JsonMapper json = JsonMapper.builder().build();
  private PlaygroundBrowser page;
  private String key;

  @BeforeAll
  void readyThenBrowser() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    HttpRequest readiness = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health/readiness")).build();
    while (http.send(readiness, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
      assertThat(System.nanoTime()).as("readiness UP once the worker warmed up the bundled model").isLessThan(deadline);
      Thread.sleep(250);
    }
    page = new PlaygroundBrowser(port, Duration.ofMinutes(3));
  }

  @AfterAll
  void closeBrowser() {
    if (page != null) {
      page.close();
    }
  }

  @Test
  @Order(1)
  void theKeyFromTheFileThePageNamesIsAccepted() throws Exception {
    page.driver.get(page.base + "/");
    page.wait.until(d -> d.findElement(By.id("dev-key-path")).isDisplayed());
    Path keyFile = Path.of(page.text("dev-key-path"));
    assertThat(keyFile).isEqualTo(DATA_DIR.resolve("dev-api-key").toAbsolutePath());
    key = Files.readString(keyFile).strip();
    page.type(By.id("api-key"), key);
    page.click(By.id("save-key"));
    page.wait.until(d -> page.text("key-state").equals("Key accepted for this tab"));
  }

  @Test
  @Order(2)
  void anEmptyPromptIsShownNextToThePromptField() {
    page.type(By.id("prompt"), "");
    page.click(By.id("submit"));
    page.wait.until(d -> !page.text("prompt-error").isEmpty());
    assertThat(page.text("prompt-error")).isEqualTo("Prompt is required.");
    assertThat(page.driver.findElement(By.id("prompt")).getDomAttribute("aria-invalid")).isEqualTo("true");
  }

  @Test
  @Order(3)
  void aPromptBecomesAPlayableVideoOfTheBundledModel() throws Exception {
    page.type(By.id("prompt"), "a red circle moving left on a black background");
    page.click(By.cssSelector("#advanced summary"));
    page.type(By.id("steps"), "4");
    page.type(By.id("seed"), "42");
    page.recordProgress();
    page.click(By.id("submit"));
    page.wait.until(d -> "completed".equals(page.status()));
    List<Double> running = page.recordedProgress().whileRunning();
    String id = page.currentId();
    assertThat(running).as("the progress bar moved while the model ran").anyMatch(v -> v > 0 && v < 100).isSorted();

    JsonNode video = json.readTree(page.get("/v1/videos/" + id, key).body());
    assertThat(video.get("steps").asInt()).isEqualTo(4);
    double expected = video.get("frames").asDouble() / video.get("fps").asDouble();
    page.wait.until(d -> ((Number) page.js("return document.getElementById('video').readyState")).intValue() >= 2);
    assertThat(((Number) page.js("return document.getElementById('video').duration")).doubleValue())
        .isCloseTo(expected, within(0.15));
    assertThat(((Number) page.js("return document.getElementById('video').videoWidth")).intValue())
        .isEqualTo(video.get("size").asString().split("x")[0].transform(Integer::parseInt));
    page.js("const v = document.getElementById('video'); v.muted = true; v.play();");
    page.wait.until(d -> ((Number) page.js("return document.getElementById('video').currentTime")).doubleValue() > 0.2);
    assertThat(page.text("fact-seed")).isEqualTo("42");
    page.wait.until(d -> !d.findElements(
        By.cssSelector("#history-list li[data-id='" + id + "'][data-status='completed'] img")).isEmpty());
    page.js("window.scrollTo(0, 0)");
    page.screenshot("bundled-desktop");
  }

  @Test
  @Order(4)
  void aRunningJobIsCancelled() throws Exception {
    page.type(By.id("prompt"), "a blue square moving up on a white background");
    page.type(By.id("steps"), "64");
    page.type(By.id("seed"), "");
    String before = page.currentId();
    page.click(By.id("submit"));
    page.wait.until(d -> !before.equals(page.currentId()) && "in_progress".equals(page.status())
        && ((Number) page.js("return document.getElementById('progress').value")).doubleValue() > 0);
    String id = page.currentId();
    page.click(By.id("cancel"));
    page.wait.until(d -> "cancelled".equals(page.status()));
    assertThat(json.readTree(page.get("/v1/videos/" + id, key).body()).get("status").asString()).isEqualTo("cancelled");
    page.wait.until(d -> !d.findElements(
        By.cssSelector("#history-list li[data-id='" + id + "'][data-status='cancelled']")).isEmpty());
  }

  @Test
  @Order(5)
  void thePageFitsAPhone() throws Exception {
    page.viewport(390, 844, true);
    page.driver.navigate().refresh(); // the key stays in the tab's session storage
    page.wait.until(d -> page.text("key-state").equals("Key accepted for this tab"));
    page.wait.until(d -> d.findElements(By.cssSelector("#history-list li")).size() == 2);
    assertThat(((Number) page.js("return document.documentElement.scrollWidth")).intValue()).isLessThanOrEqualTo(390);
    page.js("window.scrollTo(0, 0)");
    page.screenshot("bundled-phone");
  }
}
