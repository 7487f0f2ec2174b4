package dev.walt.model.pipeline;

import dev.walt.model.StageConfig;
import dev.walt.model.WaltConfig;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a loaded model supports, for validating requests before they are queued.
 *
 * @param model the model's name
 * @param frames the video lengths it can generate (one segment, then longer by continuation)
 * @param width output width in pixels (the last stage's)
 * @param height output height in pixels
 * @param fps output frame rate
 * @param inputWidth size an input image is resized and centre-cropped to (the base stage's)
 * @param inputHeight see {@code inputWidth}
 * @param minSteps fewest base-stage sampling steps
 * @param maxSteps most base-stage sampling steps
 * @param defaultSteps base-stage steps when none are given
 * @param minGuidance smallest guidance scale (0: unconditional)
 * @param maxGuidance largest guidance scale
 * @param defaultGuidance guidance when none is given
 * @param text whether prompts condition the video
 * @param imageToVideo whether a first frame can be given
 */
public record ModelLimits(
    String model,
    List<Integer> frames,
    int width,
    int height,
    int fps,
    int inputWidth,
    int inputHeight,
    int minSteps,
    int maxSteps,
    int defaultSteps,
    double minGuidance,
    double maxGuidance,
    double defaultGuidance,
    boolean text,
    boolean imageToVideo) {

  /** Upper bound of sampling steps accepted (DDIM quality saturates far below; bounds a job's time). */
  public static final int MAX_STEPS = 250;

  /** Upper bound of the guidance scale accepted. */
  public static final double MAX_GUIDANCE = 20;

  public ModelLimits {
    frames = List.copyOf(frames);
  }

  /** The limits of a model configuration. */
  public static ModelLimits of(WaltConfig config) {
    StageConfig base = config.base();
    StageConfig last = config.last();
    int maxSteps = Math.min(MAX_STEPS, config.diffusion().trainingSteps());
    return new ModelLimits(
        config.name(), config.supportedFrames(), last.width(), last.height(), config.fps(), base.width(),
        base.height(), 1, maxSteps, base.steps(), 0, MAX_GUIDANCE, base.guidance(), base.text(),
        base.transformer().frameConditioning());
  }

  /**
   * Checks a spec against these limits.
   *
   * @return null when the spec is supported, else a sentence saying what is wrong and what is allowed
   */
  public @Nullable String violation(GenerationSpec spec) {
    if (!frames.contains(spec.frames())) {
      return "frames must be one of " + frames + ", got " + spec.frames();
    }
    if (spec.steps() != null && (spec.steps() < minSteps || spec.steps() > maxSteps)) {
      return "steps must be between " + minSteps + " and " + maxSteps + ", got " + spec.steps();
    }
    if (spec.guidance() != null
        && !(spec.guidance() >= minGuidance && spec.guidance() <= maxGuidance)) {
      return "guidance must be between " + minGuidance + " and " + maxGuidance + ", got " + spec.guidance();
    }
    if (spec.image() != null && !imageToVideo) {
      return "model " + model + " does not support image-to-video";
    }
    return null;
  }
}
