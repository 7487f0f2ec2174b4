package dev.walt.model;

/**
 * The refiner of a super-resolution stage ({@link dev.walt.model.vae.InputRefiner}): a small per-frame
 * convolutional network that corrects the stage's decoded output towards the low-resolution video it
 * was asked to upsample.
 *
 * @param channels width of its hidden 3 x 3 convolutions
 * @param layers number of 3 x 3 convolutions, the output one included (at least 2)
 */
public record RefinerConfig(int channels, int layers) {

  public RefinerConfig {
    if (channels < 1 || channels > 512) {
      throw new IllegalArgumentException("refiner channels must be in 1..512, got " + channels);
    }
    if (layers < 2 || layers > 32) {
      throw new IllegalArgumentException("refiner layers must be in 2..32, got " + layers);
    }
  }
}
