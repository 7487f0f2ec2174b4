package dev.walt.api;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Limits and behaviour of the public API ({@code walt.api.*}).
 *
 * @param generation ranges and defaults of the generation parameters (until a loaded model narrows
 *     them through {@link GenerationLimits})
 * @param image limits of the input image
 * @param maxRequestSize largest request body accepted (JSON or multipart); more is 413
 * @param metadata bounds of the client's metadata map
 * @param idempotencyTtl how long an {@code Idempotency-Key} is remembered
 * @param events Server-Sent Events streams
 * @param listDefaultLimit page size of the listing when {@code limit} is absent
 * @param listMaxLimit largest page size of the listing
 * @param createSlots how many creates of one API key may run at once, on all replicas together,
 *     without waiting for each other: while a key has at least this many active jobs below its
 *     {@code max_active_jobs}, each create takes one of these slots (see {@link CreationLocks});
 *     closer to the limit, creates of the key run one at a time
 */
@ConfigurationProperties("walt.api")
@Validated
public record ApiSettings(
    @DefaultValue @Valid Generation generation,
    @DefaultValue @Valid Image image,
    @DefaultValue("15MB") @NotNull DataSize maxRequestSize,
    @DefaultValue @Valid Metadata metadata,
    @DefaultValue("24h") @NotNull Duration idempotencyTtl,
    @DefaultValue @Valid Events events,
    @DefaultValue("20") @Min(1) int listDefaultLimit,
    @DefaultValue("100") @Min(1) int listMaxLimit,
    @DefaultValue("16") @Min(1) @Max(1024) int createSlots) {

  /** Ranges (inclusive) and defaults of the generation parameters. */
  public record Generation(
      @DefaultValue("2000") @Min(1) int maxPromptChars,
      @DefaultValue("1") @Min(1) int minFrames,
      @DefaultValue("129") @Min(1) int maxFrames,
      @DefaultValue("17") @Min(1) int defaultFrames,
      @DefaultValue("64") @Min(8) int minSide,
      @DefaultValue("1024") @Min(8) int maxSide,
      @DefaultValue("8") @Min(1) int sideMultiple,
      @DefaultValue("256") @Min(8) int defaultWidth,
      @DefaultValue("256") @Min(8) int defaultHeight,
      @DefaultValue("1") @Min(1) int minFps,
      @DefaultValue("60") @Min(1) int maxFps,
      @DefaultValue("8") @Min(1) int defaultFps,
      @DefaultValue("1") @Min(1) int minSteps,
      @DefaultValue("250") @Min(1) int maxSteps,
      @DefaultValue("50") @Min(1) int defaultSteps,
      @DefaultValue("0") @DecimalMin("0") double minGuidanceScale,
      @DefaultValue("30") @DecimalMin("0") double maxGuidanceScale,
      @DefaultValue("5") @DecimalMin("0") double defaultGuidanceScale) {}

  /**
   * Input image limits (bytes and pixels: {@code walt.video.max-image-size} and
   * {@code walt.video.max-image-pixels}).
   *
   * @param minSide smallest accepted width and height
   * @param fetchTimeout total time allowed to fetch an image URL
   */
  public record Image(
      @DefaultValue("16") @Min(1) int minSide,
      @DefaultValue("10s") @NotNull Duration fetchTimeout) {}

  /** Bounds of the metadata map (string keys to string values). */
  public record Metadata(
      @DefaultValue("16") @Min(0) int maxPairs,
      @DefaultValue("64") @Min(1) int maxKeyChars,
      @DefaultValue("512") @Min(1) int maxValueChars) {}

  /**
   * Server-Sent Events.
   *
   * @param pollInterval how often an open stream reads its job row
   * @param maxStreams open streams per instance at most; more is 503
   * @param timeout longest life of one stream (the client reconnects)
   */
  public record Events(
      @DefaultValue("500ms") @NotNull Duration pollInterval,
      @DefaultValue("256") @Min(1) int maxStreams,
      @DefaultValue("30m") @NotNull Duration timeout) {}
}
