package dev.walt.model;

/**
 * The caption guide of a text-conditioned stage ({@link dev.walt.model.guide.CaptionGuide}): a small network
 * that scores how well a noisy latent shows its caption, whose gradient steers sampling (classifier guidance).
 *
 * @param channels width of its convolutions and of the shared embedding the latent and the caption are compared in
 * @param scale guidance strength at sampling time (0: the guide is not used)
 */
public record GuideConfig(int channels, double scale) {

  public GuideConfig {
    if (channels < 1 || channels > 512) {
      throw new IllegalArgumentException("guide channels must be in 1..512, got " + channels);
    }
    if (!(scale >= 0 && scale <= 1000)) {
      throw new IllegalArgumentException("guide scale must be in [0, 1000], got " + scale);
    }
  }
}
