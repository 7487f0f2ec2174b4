package dev.walt.worker.walt;

import dev.walt.api.ApiSettings;
import dev.walt.api.GenerationLimits;
import dev.walt.model.pipeline.ModelLimits;
import java.util.List;

/**
 * What the configured model supports, as the API validates it at creation ({@code POST /v1/videos}
 * answers 400 for anything else): its frame counts (one segment, 17, or longer by continuation, 17 +
 * 12k up to the maximum), its output size only, its frame rate only, base-stage steps and guidance in
 * the model's ranges. Read from the model's {@code config.json} alone, so API-only instances (no
 * weights, no workers) validate the same way. The prompt length bound stays the API's.
 */
final class ModelGenerationLimits implements GenerationLimits {

  private final ModelLimits model;
  private final int maxPromptChars;

  ModelGenerationLimits(ModelLimits model, ApiSettings api) {
    this.model = model;
    this.maxPromptChars = api.generation().maxPromptChars();
  }

  @Override public int maxPromptChars() { return maxPromptChars; }
  @Override public int minFrames() { return model.frames().get(0); }
  @Override public int maxFrames() { return model.frames().get(model.frames().size() - 1); }
  @Override public int defaultFrames() { return model.frames().get(0); }
  @Override public List<Integer> allowedFrames() { return model.frames(); }
  @Override public int minSide() { return Math.min(model.width(), model.height()); }
  @Override public int maxSide() { return Math.max(model.width(), model.height()); }
  @Override public int sideMultiple() { return 1; }
  @Override public int defaultWidth() { return model.width(); }
  @Override public int defaultHeight() { return model.height(); }
  @Override public List<String> allowedSizes() { return List.of(model.width() + "x" + model.height()); }
  @Override public int minFps() { return model.fps(); }
  @Override public int maxFps() { return model.fps(); }
  @Override public int defaultFps() { return model.fps(); }
  @Override public int minSteps() { return model.minSteps(); }
  @Override public int maxSteps() { return model.maxSteps(); }
  @Override public int defaultSteps() { return model.defaultSteps(); }
  @Override public double minGuidanceScale() { return model.minGuidance(); }
  @Override public double maxGuidanceScale() { return model.maxGuidance(); }
  @Override public double defaultGuidanceScale() { return model.defaultGuidance(); }
}
