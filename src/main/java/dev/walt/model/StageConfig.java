package dev.walt.model;

import dev.walt.model.transformer.TransformerConfig;

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
 */
public record StageConfig(
    String name,
    TransformerConfig transformer,
    int height,
    int width,
    int steps,
    double guidance,
    double noiseAugmentation,
    boolean text) {

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
