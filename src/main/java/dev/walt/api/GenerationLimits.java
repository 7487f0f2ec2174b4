package dev.walt.api;

import java.util.List;

/**
 * What the service can generate: the ranges (inclusive) and defaults that requests are validated
 * against. The default comes from {@link ApiSettings}; a loaded model narrows it by supplying a
 * {@code @Primary} bean of this type.
 */
public interface GenerationLimits {

  int maxPromptChars();

  int minFrames();

  int maxFrames();

  int defaultFrames();

  int minSide();

  int maxSide();

  /** Width and height must be multiples of this. */
  int sideMultiple();

  int defaultWidth();

  int defaultHeight();

  int minFps();

  int maxFps();

  int defaultFps();

  int minSteps();

  int maxSteps();

  int defaultSteps();

  double minGuidanceScale();

  double maxGuidanceScale();

  double defaultGuidanceScale();

  /**
   * The exact frame counts allowed inside {@code minFrames..maxFrames} (a model generates 17 + 12k
   * frames, say); empty: every count in the range.
   */
  default List<Integer> allowedFrames() {
    return List.of();
  }

  /**
   * The exact sizes allowed ({@code "WIDTHxHEIGHT"}, e.g. a model's output size); empty: every size
   * within the side bounds.
   */
  default List<String> allowedSizes() {
    return List.of();
  }
}
