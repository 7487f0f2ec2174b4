package dev.walt.model;

/**
 * The caption refiner of a first stage ({@link dev.walt.model.guide.CaptionRefiner}): a per-frame U-Net that
 * redraws the stage's decoded sample in the caption's shape.
 *
 * @param channels width at full resolution (the coarser levels have twice as many)
 * @param layers caption-modulated residual blocks at the coarsest level
 * @param passes how many times the cascade runs it, each pass on the previous one's output (a refiner trained on
 *     its own outputs, {@code train --own-inputs}, goes on squaring a blob off where one pass leaves it rounded)
 */
public record CaptionRefinerConfig(int channels, int layers, int passes) {

  /** The most passes a config may ask for. */
  public static final int MAX_PASSES = 8;

  public CaptionRefinerConfig {
    if (channels < 1 || channels > 512) {
      throw new IllegalArgumentException("caption refiner channels must be in 1..512, got " + channels);
    }
    if (layers < 1 || layers > 32) {
      throw new IllegalArgumentException("caption refiner layers must be in 1..32, got " + layers);
    }
    if (passes < 1 || passes > MAX_PASSES) {
      throw new IllegalArgumentException("caption refiner passes must be in 1.." + MAX_PASSES + ", got " + passes);
    }
  }
}
