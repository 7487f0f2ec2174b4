package dev.walt.playground;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium (headless, through Debian's chromedriver; nothing is downloaded) on the playground of
 * a running application, with the few gestures the browser tests need. Screenshots go to {@link
 * #SCREENSHOTS}. Chromium is required: {@code apt-get install chromium chromium-driver} ({@code .ci/run}
 * does), or {@code -Dplayground.chromium} and {@code -Dplayground.chromedriver} point at another build.
 */
final class PlaygroundBrowser implements AutoCloseable {

  static final Path SCREENSHOTS = Path.of("target", "playground-screenshots");

  final ChromeDriver driver;
  final WebDriverWait wait;
  final String base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  PlaygroundBrowser(int port, Duration timeout) throws IOException {
    Path chromium = Path.of(System.getProperty("playground.chromium", "/usr/bin/chromium"));
    Path chromedriver = Path.of(System.getProperty("playground.chromedriver", "/usr/bin/chromedriver"));
    assertThat(Files.isExecutable(chromium) && Files.isExecutable(chromedriver))
        .as("the playground browser test needs Debian's Chromium and chromedriver at %s and %s "
            + "(apt-get install chromium chromium-driver; .ci/run installs them)", chromium, chromedriver)
        .isTrue();
    Files.createDirectories(SCREENSHOTS);
    // Selenium Manager must never be asked for anything: the driver and the browser are both given.
    System.setProperty("webdriver.chrome.driver", chromedriver.toString());
    Path profile = Files.createTempDirectory("walt-playground-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-default-apps", "--mute-audio", "--autoplay-policy=no-user-gesture-required",
        "--window-size=1280,900", "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(chromedriver.toFile())
        .usingAnyFreePort()
        .withLogFile(new File("target/playground-chromedriver-" + port + ".log"))
        .build();
    driver = new ChromeDriver(service, options);
    wait = new WebDriverWait(driver, timeout, Duration.ofMillis(50));
    base = "http://localhost:" + port;
    viewport(1280, 900, false);
  }

  @Override
  public void close() {
    driver.quit();
  }

  /** GET of a path of the service, asserted 200. */
  HttpResponse<String> get(String path, String key) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return response;
  }

  Object js(String script) {
    return driver.executeScript(script);
  }

  String text(String id) {
    return (String) js("return document.getElementById('" + id + "').textContent.trim()");
  }

  /** The status of the job the page shows. */
  String status() {
    return driver.findElement(By.id("job-status")).getDomAttribute("data-status");
  }

  /** The id of the job the page shows. */
  String currentId() {
    return driver.findElement(By.id("result")).getDomAttribute("data-video-id");
  }

  /** Clicks like a person: the element is scrolled into the middle of the viewport first. */
  void click(By by) {
    WebElement element = driver.findElement(by);
    ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
    element.click();
  }

  void type(By by, String value) {
    WebElement input = driver.findElement(by);
    ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'})", input);
    input.clear();
    input.click();
    input.sendKeys(value);
  }

  void viewport(int width, int height, boolean mobile) {
    driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
  }

  /** Starts recording the progress bar's value and the job's status every 15 ms, as they change. */
  void recordProgress() {
    js("""
        window.__seen = [];
        window.__sampler = setInterval(() => {
          const v = document.getElementById('progress').value;
          const s = document.getElementById('job-status').dataset.status;
          const last = window.__seen[window.__seen.length - 1];
          if (!last || last[0] !== v || last[1] !== s) window.__seen.push([v, s]);
        }, 15);""");
  }

  /** Stops the recording; returns every (value, status) pair seen, and the values seen while in progress. */
  Progress recordedProgress() {
    js("clearInterval(window.__sampler)");
    List<?> seen = (List<?>) js("return window.__seen");
    List<Double> running = new ArrayList<>();
    for (Object o : seen) {
      List<?> pair = (List<?>) o;
      if ("in_progress".equals(pair.get(1))) {
        running.add(((Number) pair.get(0)).doubleValue());
      }
    }
    return new Progress(seen, running);
  }

  record Progress(List<?> seen, List<Double> whileRunning) {}

  /** The viewport and the whole page, as PNG files {@code name.png} and {@code name-full.png}. */
  void screenshot(String name) throws IOException {
    Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png"));
    Files.write(SCREENSHOTS.resolve(name + ".png"), Base64.getDecoder().decode((String) shot.get("data")));
    @SuppressWarnings("unchecked")
    Map<String, Object> size = (Map<String, Object>) driver.executeCdpCommand("Page.getLayoutMetrics", Map.of())
        .get("cssContentSize");
    Map<String, Object> clip = Map.of("x", 0, "y", 0, "scale", 1,
        "width", ((Number) size.get("width")).doubleValue(), "height", ((Number) size.get("height")).doubleValue());
    Map<String, Object> full = driver.executeCdpCommand("Page.captureScreenshot",
        Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
    Files.write(SCREENSHOTS.resolve(name + "-full.png"), Base64.getDecoder().decode((String) full.get("data")));
  }
}
