package dev.walt.model.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * A seeded source of standard normal noise, private to one sampling run. Values come from {@link
 * Random#nextGaussian()} (specified exactly by the Java platform), so a seed gives bit-identical noise
 * on every engine, device and machine, and concurrent jobs never share the engine's global generator.
 * The noise is made on the host and uploaded once per draw (no device tensor is ever copied back).
 * Not thread-safe.
 */
public final class GaussianNoise {

  private final Random random;

  public GaussianNoise(long seed) {
    random = new Random(seed);
  }

  /**
   * Draws the next {@code shape.size()} standard normal values.
   *
   * @return float32 of {@code shape} in {@code manager} (on its device)
   */
  public NDArray next(NDManager manager, Shape shape) {
    long size = shape.size();
    if (size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("noise too large: " + shape);
    }
    float[] values = new float[(int) size];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return manager.create(values, shape);
  }

  /** A seed for an independent sub-stream, derived deterministically from this source. */
  public long nextSeed() {
    return random.nextLong();
  }
}
