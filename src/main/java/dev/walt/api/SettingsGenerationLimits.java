package dev.walt.api;

import org.springframework.stereotype.Component;

/** The generation limits of {@code walt.api.generation}. */
@Component
class SettingsGenerationLimits implements GenerationLimits {

  private final ApiSettings.Generation g;

  SettingsGenerationLimits(ApiSettings settings) {
    this.g = settings.generation();
  }

  @Override public int maxPromptChars() { return g.maxPromptChars(); }
  @Override public int minFrames() { return g.minFrames(); }
  @Override public int maxFrames() { return g.maxFrames(); }
  @Override public int defaultFrames() { return g.defaultFrames(); }
  @Override public int minSide() { return g.minSide(); }
  @Override public int maxSide() { return g.maxSide(); }
  @Override public int sideMultiple() { return g.sideMultiple(); }
  @Override public int defaultWidth() { return g.defaultWidth(); }
  @Override public int defaultHeight() { return g.defaultHeight(); }
  @Override public int minFps() { return g.minFps(); }
  @Override public int maxFps() { return g.maxFps(); }
  @Override public int defaultFps() { return g.defaultFps(); }
  @Override public int minSteps() { return g.minSteps(); }
  @Override public int maxSteps() { return g.maxSteps(); }
  @Override public int defaultSteps() { return g.defaultSteps(); }
  @Override public double minGuidanceScale() { return g.minGuidanceScale(); }
  @Override public double maxGuidanceScale() { return g.maxGuidanceScale(); }
  @Override public double defaultGuidanceScale() { return g.defaultGuidanceScale(); }
}
