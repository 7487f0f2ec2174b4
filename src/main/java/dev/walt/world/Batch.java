package dev.walt.world;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A training batch: examples and their pixels, laid out {@code (B, 3, T, H, W)} with values in [-1, 1].
 *
 * @param examples the B examples, in batch order
 * @param startFrames per example, the first frame of the scene in the batch (the time crop's offset)
 * @param frames T, frames per example
 * @param resolution H = W
 * @param pixels {@code (B, 3, T, H, W)} float32 in [-1, 1]
 */
public record Batch(List<Example> examples, int[] startFrames, int frames, int resolution, float[] pixels) {

  /** B. */
  public int size() {
    return examples.size();
  }

  /** The captions, in batch order. */
  public List<String> captions() {
    return examples.stream().map(Example::caption).toList();
  }

  /** The frames of example {@code b}, decoded back from {@link #pixels()}. */
  public List<BufferedImage> clip(int b) {
    return Frames.fromArray(pixels, b * clipLength(), frames, resolution, resolution);
  }

  /** Floats per example: {@code 3 * T * H * W}. */
  public int clipLength() {
    return 3 * frames * resolution * resolution;
  }
}
