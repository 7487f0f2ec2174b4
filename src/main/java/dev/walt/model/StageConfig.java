package dev.walt.model;

import dev.walt.model.transformer.TransformerConfig;
import org.jspecify.annotations.Nullable;

/**
 * One stage of a model's cascade: its denoiser and the size it generates at.
 *
 * @param name {@code base}, {@code sr1}, {@code sr2} ...; also the weight file {@code <name>.safetensors}
 * @param transformer the stage's denoiser; a first stage has {@code superResolutionFactor} 1, every later
 *     stage the ratio of its size to the previous stage's
 * @param height output pixel height
 * @param width output pixel width
 * @param steps default DDIM sampling steps
 * @param guidance default classifier-free guidance scale (1: none); only meaningful with {@code text}
 * @param noiseAugmentation noise-conditioning augmentation level in [0, 1] applied at sampling time to the
 *     low-resolution latent (super-resolution stages; 0 for the first stage)
 * @param text whether the stage is conditioned on the prompt (its transformer then has {@code textDim} =
 *     the text encoder's width)
 * @param refiner the super-resolution stage's refiner, whose weights are {@code <name>-refiner.safetensors},
 *     or null for none (the decoded latent is the stage's output)
 * @param guide the caption guide of the first stage, whose weights are {@code <name>-guide.safetensors}, or
 *     null for none
 * @param captionRefiner the caption refiner of the first stage ({@link dev.walt.model.guide.CaptionRefiner}), which
 *     redraws its decoded sample towards the caption, whose weights are {@code <name>-caption-refiner.safetensors},
 *     or null for none
 */
public record StageConfig(
    String name,
    TransformerConfig transformer,
    int height,
    int width,
    int steps,
    double guidance,
    double noiseAugmentation,
    boolean text,
    @Nullable RefinerConfig refiner,
    @Nullable GuideConfig guide,
    @Nullable CaptionRefinerConfig captionRefiner) {

  public StageConfig {
    if (name == null || !name.matches("[a-z][a-z0-9_-]*")) {
      throw new IllegalArgumentException("stage name must be lower-case letters, digits, '-' or '_', got '" + name + "'");
    }
    if (transformer == null) {
      throw new IllegalArgumentException("stage " + name + " has no transformer");
    }
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException("stage " + name + ": size must be positive, got " + height + "x" + width);
    }
    if (steps < 1) {
      throw new IllegalArgumentException("stage " + name + ": steps must be >= 1, got " + steps);
    }
    if (!(guidance >= 0)) {
      throw new IllegalArgumentException("stage " + name + ": guidance must be >= 0, got " + guidance);
    }
    if (!(noiseAugmentation >= 0 && noiseAugmentation <= 1)) {
      throw new IllegalArgumentException("stage " + name + ": noise augmentation must be in [0, 1]");
    }
    if (text && transformer.textDim() == 0) {
      throw new IllegalArgumentException("stage " + name + " takes text but its transformer has textDim 0");
    }
    if (refiner != null && !transformer.superResolution()) {
      throw new IllegalArgumentException("stage " + name + ": only a super-resolution stage has a refiner");
    }
    if (guide != null && (transformer.superResolution() || !text)) {
      throw new IllegalArgumentException("stage " + name + ": only a first stage that reads text has a guide");
    }
    if (captionRefiner != null && (transformer.superResolution() || !text)) {
      throw new IllegalArgumentException("stage " + name + ": only a first stage that reads text has a caption refiner");
    }
  }

  /** A stage without a refiner. */
  public StageConfig(
      String name, TransformerConfig transformer, int height, int width, int steps, double guidance,
      double noiseAugmentation, boolean text) {
    this(name, transformer, height, width, steps, guidance, noiseAugmentation, text, null, null, null);
  }

  /** A stage without a guide. */
  public StageConfig(
      String name, TransformerConfig transformer, int height, int width, int steps, double guidance,
      double noiseAugmentation, boolean text, @Nullable RefinerConfig refiner) {
    this(name, transformer, height, width, steps, guidance, noiseAugmentation, text, refiner, null, null);
  }

  /** A stage without a caption refiner. */
  public StageConfig(
      String name, TransformerConfig transformer, int height, int width, int steps, double guidance,
      double noiseAugmentation, boolean text, @Nullable RefinerConfig refiner, @Nullable GuideConfig guide) {
    this(name, transformer, height, width, steps, guidance, noiseAugmentation, text, refiner, guide, null);
  }

  /** This stage with {@code refiner} (null: none). */
  public StageConfig withRefiner(@Nullable RefinerConfig refiner) {
    return new StageConfig(name, transformer, height, width, steps, guidance, noiseAugmentation, text, refiner, guide,
        captionRefiner);
  }

  /** This stage with {@code guide} (null: none). */
  public StageConfig withGuide(@Nullable GuideConfig guide) {
    return new StageConfig(name, transformer, height, width, steps, guidance, noiseAugmentation, text, refiner, guide,
        captionRefiner);
  }

  /** This stage with {@code captionRefiner} (null: none). */
  public StageConfig withCaptionRefiner(@Nullable CaptionRefinerConfig captionRefiner) {
    return new StageConfig(name, transformer, height, width, steps, guidance, noiseAugmentation, text, refiner, guide,
        captionRefiner);
  }

  /** The weight file of this stage's caption refiner in a model folder (present only when it has one). */
  public String captionRefinerWeightsFile() {
    return name + "-caption-refiner.safetensors";
  }

  /** The weight files of this stage's refiner, guide and caption refiner, those it has. */
  public java.util.List<String> partWeightFiles() {
    java.util.List<String> files = new java.util.ArrayList<>();
    if (refiner != null) {
      files.add(refinerWeightsFile());
    }
    if (guide != null) {
      files.add(guideWeightsFile());
    }
    if (captionRefiner != null) {
      files.add(captionRefinerWeightsFile());
    }
    return files;
  }

  /** The weight file of this stage's guide in a model folder (present only when {@link #guide()} is set). */
  public String guideWeightsFile() {
    return name + "-guide.safetensors";
  }

  /** The weight file of this stage's refiner in a model folder (present only when {@link #refiner()} is set). */
  public String refinerWeightsFile() {
    return name + "-refiner.safetensors";
  }

  /** The weight file of this stage in a model folder. */
  public String weightsFile() {
    return name + ".safetensors";
  }

  /** Whether this is a super-resolution stage. */
  public boolean superResolution() {
    return transformer.superResolution();
  }
}
