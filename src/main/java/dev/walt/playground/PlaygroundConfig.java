package dev.walt.playground;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

/** What the playground page needs to know before the visitor has entered a key. */
@Schema(name = "PlaygroundConfig", description = "Generation limits and, in the embedded default, where the development key is")
record PlaygroundConfig(
    @JsonProperty("limits") Limits limits,
    @Schema(description = "absolute path of the development API key file on the server's machine (embedded default only)",
        nullable = true)
    @JsonProperty("dev_key_file") @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable String devKeyFile) {

  /** The ranges (inclusive) and defaults that {@code POST /v1/videos} validates against. */
  @Schema(name = "PlaygroundLimits")
  record Limits(
      @JsonProperty("prompt_max_chars") int promptMaxChars,
      @JsonProperty("frames") IntRange frames,
      @JsonProperty("fps") IntRange fps,
      @JsonProperty("steps") IntRange steps,
      @JsonProperty("guidance_scale") DecimalRange guidanceScale,
      @JsonProperty("seed") SeedRange seed,
      @JsonProperty("size") Size size,
      @Schema(description = "largest accepted input image in bytes") @JsonProperty("image_max_bytes") long imageMaxBytes) {}

  @Schema(name = "PlaygroundIntRange")
  record IntRange(@JsonProperty("min") int min, @JsonProperty("max") int max, @JsonProperty("default") int defaultValue) {}

  @Schema(name = "PlaygroundDecimalRange")
  record DecimalRange(@JsonProperty("min") double min, @JsonProperty("max") double max,
      @JsonProperty("default") double defaultValue) {}

  @Schema(name = "PlaygroundSeedRange", description = "absent seed: chosen at random")
  record SeedRange(@JsonProperty("min") long min, @JsonProperty("max") long max) {}

  @Schema(name = "PlaygroundSize")
  record Size(@JsonProperty("min_side") int minSide, @JsonProperty("max_side") int maxSide,
      @Schema(description = "width and height are multiples of this") @JsonProperty("multiple") int multiple,
      @Schema(example = "256x256") @JsonProperty("default") String defaultValue) {}
}
