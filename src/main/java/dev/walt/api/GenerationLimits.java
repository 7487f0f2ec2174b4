package dev.walt.api;

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
}
