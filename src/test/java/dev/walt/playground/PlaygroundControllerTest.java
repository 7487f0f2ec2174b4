package dev.walt.playground;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.forwardedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.walt.api.GenerationLimits;
import dev.walt.auth.AuthSettings;
import dev.walt.system.DatabaseSettings;
import dev.walt.system.WaltSettings;
import dev.walt.video.VideoSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.util.unit.DataSize;

/** The playground's routes and settings, without a server: limits as configured, the key file's path only. */
class PlaygroundControllerTest {

  static final DatabaseSettings EMBEDDED = new DatabaseSettings(null, null, null);
  static final DatabaseSettings EXTERNAL = new DatabaseSettings("jdbc:postgresql://db:5432/walt", "walt", "secret");
  static final AuthSettings NO_KEY_FILE = new AuthSettings(null, null, null, null);
  static final PlaygroundSettings DEFAULTS = new PlaygroundSettings(true, true);

  @TempDir Path dataDir;

  @Test
  void theConfigReportsTheGenerationLimitsTheApiValidatesAgainst() {
    PlaygroundConfig.Limits limits = controller(NO_KEY_FILE, EXTERNAL, DEFAULTS).current().limits();

    assertThat(limits.promptMaxChars()).isEqualTo(500);
    assertThat(limits.frames()).isEqualTo(new PlaygroundConfig.IntRange(2, 33, 9));
    assertThat(limits.fps()).isEqualTo(new PlaygroundConfig.IntRange(4, 24, 8));
    assertThat(limits.steps()).isEqualTo(new PlaygroundConfig.IntRange(1, 100, 25));
    assertThat(limits.guidanceScale()).isEqualTo(new PlaygroundConfig.DecimalRange(0.0, 12.5, 4.5));
    assertThat(limits.seed()).isEqualTo(new PlaygroundConfig.SeedRange(0, 9_007_199_254_740_991L));
    assertThat(limits.size()).isEqualTo(new PlaygroundConfig.Size(64, 512, 16, "128x96"));
    assertThat(limits.imageMaxBytes()).isEqualTo(3 * 1024 * 1024);
  }

  @Test
  void theEmbeddedDefaultNamesTheDevelopmentKeyFileOnceItExists() throws IOException {
    PlaygroundController controller = controller(NO_KEY_FILE, EMBEDDED, DEFAULTS);
    assertThat(controller.devKeyFile()).isNull(); // not written yet

    Path file = Files.writeString(dataDir.resolve("dev-api-key"), "walt_secret-key-value");
    assertThat(controller.devKeyFile()).isEqualTo(file.toAbsolutePath().normalize().toString());
    assertThat(controller.current().devKeyFile()).doesNotContain("secret-key-value");
  }

  @Test
  void anExternalDatabaseHasNoDevelopmentKeyUnlessAFileIsConfigured() throws IOException {
    Files.writeString(dataDir.resolve("dev-api-key"), "walt_x");
    assertThat(controller(NO_KEY_FILE, EXTERNAL, DEFAULTS).devKeyFile()).isNull();

    Path configured = Files.writeString(dataDir.resolve("elsewhere-key"), "walt_y");
    AuthSettings auth = new AuthSettings(null, null, configured, null);
    assertThat(controller(auth, EXTERNAL, DEFAULTS).devKeyFile()).isEqualTo(configured.toAbsolutePath().toString());
    assertThat(controller(auth, EXTERNAL, new PlaygroundSettings(true, false)).devKeyFile()).isNull();
  }

  @Test
  void routesLeadToThePageAndTheConfigIsJsonThatIsNeverCached() throws Exception {
    Path file = Files.writeString(dataDir.resolve("dev-api-key"), "walt_secret-key-value");
    MockMvc mvc = MockMvcBuilders.standaloneSetup(controller(NO_KEY_FILE, EMBEDDED, DEFAULTS)).build();

    mvc.perform(get("/")).andExpect(status().isFound()).andExpect(redirectedUrl("/playground/"));
    mvc.perform(get("/playground")).andExpect(status().isFound()).andExpect(redirectedUrl("/playground/"));
    mvc.perform(get("/playground/")).andExpect(forwardedUrl("/playground/index.html"));
    mvc.perform(get("/playground/config"))
        .andExpect(status().isOk())
        .andExpect(header().string("Cache-Control", "no-store"))
        .andExpect(jsonPath("$.dev_key_file").value(file.toAbsolutePath().normalize().toString()))
        .andExpect(jsonPath("$.limits.prompt_max_chars").value(500))
        .andExpect(jsonPath("$.limits.frames.default").value(9))
        .andExpect(jsonPath("$.limits.guidance_scale.max").value(12.5))
        .andExpect(jsonPath("$.limits.seed.max").value(9_007_199_254_740_991L))
        .andExpect(jsonPath("$.limits.size.default").value("128x96"))
        .andExpect(jsonPath("$.limits.image_max_bytes").value(3 * 1024 * 1024));

    Files.delete(file);
    mvc.perform(get("/playground/config"))
        .andExpect(jsonPath("$.dev_key_file").value((Object) null));
  }

  private PlaygroundController controller(AuthSettings auth, DatabaseSettings database, PlaygroundSettings settings) {
    VideoSettings video = new VideoSettings(DataSize.ofMegabytes(3), 16_777_216L, 18, "veryfast", 512, 0.88f, 256, 48, 34);
    return new PlaygroundController(new FixedLimits(), video, auth, new WaltSettings(dataDir), database, settings);
  }

  /** Limits unlike the defaults, so that a mix-up shows. */
  static final class FixedLimits implements GenerationLimits {
    @Override public int maxPromptChars() { return 500; }
    @Override public int minFrames() { return 2; }
    @Override public int maxFrames() { return 33; }
    @Override public int defaultFrames() { return 9; }
    @Override public int minSide() { return 64; }
    @Override public int maxSide() { return 512; }
    @Override public int sideMultiple() { return 16; }
    @Override public int defaultWidth() { return 128; }
    @Override public int defaultHeight() { return 96; }
    @Override public int minFps() { return 4; }
    @Override public int maxFps() { return 24; }
    @Override public int defaultFps() { return 8; }
    @Override public int minSteps() { return 1; }
    @Override public int maxSteps() { return 100; }
    @Override public int defaultSteps() { return 25; }
    @Override public double minGuidanceScale() { return 0.0; }
    @Override public double maxGuidanceScale() { return 12.5; }
    @Override public double defaultGuidanceScale() { return 4.5; }
  }
}
