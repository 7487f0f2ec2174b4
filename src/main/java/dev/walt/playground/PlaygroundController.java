package dev.walt.playground;

import dev.walt.api.GenerationLimits;
import dev.walt.auth.AuthSettings;
import dev.walt.system.DatabaseSettings;
import dev.walt.system.WaltSettings;
import dev.walt.video.VideoSettings;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * Serves the playground: {@code /} and {@code /playground} lead to the page
 * ({@code static/playground/index.html}), and {@code GET /playground/config} tells the page the
 * generation limits and, in the embedded default, where the development API key file is (its path,
 * never its content). Nothing here needs an API key; the page calls {@code /v1} with the key the
 * visitor enters.
 */
@Controller
@ConditionalOnBooleanProperty(name = "walt.playground.enabled", matchIfMissing = true)
@Tag(name = "playground", description = "The web page to try the API in a browser")
class PlaygroundController {

  /** Largest seed the API accepts: 2^53 - 1, exact in a JavaScript number. */
  static final long MAX_SEED = (1L << 53) - 1;
  /** The development key's file name under {@code walt.data-dir} (as the auth feature writes it). */
  static final String DEV_KEY_FILE_NAME = "dev-api-key";

  private final GenerationLimits limits;
  private final VideoSettings video;
  private final AuthSettings auth;
  private final WaltSettings walt;
  private final DatabaseSettings database;
  private final PlaygroundSettings settings;

  PlaygroundController(GenerationLimits limits, VideoSettings video, AuthSettings auth, WaltSettings walt,
      DatabaseSettings database, PlaygroundSettings settings) {
    this.limits = limits;
    this.video = video;
    this.auth = auth;
    this.walt = walt;
    this.database = database;
    this.settings = settings;
  }

  @Hidden
  @GetMapping("/")
  String root() {
    return "redirect:/playground/";
  }

  @Hidden
  @GetMapping("/playground")
  String playgroundWithoutSlash() {
    return "redirect:/playground/"; // the page's relative links need the trailing slash
  }

  @Hidden
  @GetMapping("/playground/")
  String page() {
    return "forward:/playground/index.html";
  }

  @GetMapping(path = "/playground/config", produces = MediaType.APPLICATION_JSON_VALUE)
  @ResponseBody
  @SecurityRequirements // public: no API key
  @Operation(summary = "Playground settings", description = """
      The ranges and defaults that `POST /v1/videos` validates against (as configured, or as narrowed by the
      loaded model), and, in the embedded default, the path of the file holding the development API key on the
      server's machine (never the key itself). Needs no API key.""")
  @ApiResponse(responseCode = "200", description = "the settings")
  ResponseEntity<PlaygroundConfig> config() {
    return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(current());
  }

  PlaygroundConfig current() {
    PlaygroundConfig.Limits l = new PlaygroundConfig.Limits(
        limits.maxPromptChars(),
        new PlaygroundConfig.IntRange(limits.minFrames(), limits.maxFrames(), limits.defaultFrames()),
        new PlaygroundConfig.IntRange(limits.minFps(), limits.maxFps(), limits.defaultFps()),
        new PlaygroundConfig.IntRange(limits.minSteps(), limits.maxSteps(), limits.defaultSteps()),
        new PlaygroundConfig.DecimalRange(limits.minGuidanceScale(), limits.maxGuidanceScale(), limits.defaultGuidanceScale()),
        new PlaygroundConfig.SeedRange(0, MAX_SEED),
        new PlaygroundConfig.Size(limits.minSide(), limits.maxSide(), limits.sideMultiple(),
            String.format(Locale.ROOT, "%dx%d", limits.defaultWidth(), limits.defaultHeight())),
        video.maxImageSize().toBytes());
    return new PlaygroundConfig(l, devKeyFile());
  }

  /**
   * Where the auth feature wrote the development key: {@code walt.auth.dev-key-file}, or with the
   * embedded PostgreSQL {@code <walt.data-dir>/dev-api-key}; only when that file exists.
   */
  @Nullable String devKeyFile() {
    if (!settings.showDevKeyFile()) {
      return null;
    }
    Path file = auth.devKeyFile();
    if (file == null) {
      if (database.external()) {
        return null;
      }
      file = walt.dataDir().resolve(DEV_KEY_FILE_NAME);
    }
    Path absolute = file.toAbsolutePath().normalize();
    return Files.isRegularFile(absolute) ? absolute.toString() : null;
  }
}
