package dev.walt.training;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** Clipping of gradients by their global L2 norm. */
public final class GradientClipping {

  private GradientClipping() {}

  /** The global L2 norm of {@code gradients} (accumulated in double). */
  public static double globalNorm(List<NDArray> gradients) {
    double sum = 0;
    for (NDArray g : gradients) {
      try (NDArray squared = g.square(); NDArray s = squared.sum()) {
        sum += s.getFloat();
      }
    }
    return Math.sqrt(sum);
  }

  /**
   * Scales {@code gradients} in place so that their global norm is at most {@code maxNorm}.
   *
   * @return the norm before clipping
   */
  public static double clip(List<NDArray> gradients, double maxNorm) {
    double norm = globalNorm(gradients);
    if (maxNorm > 0 && norm > maxNorm) {
      float scale = (float) (maxNorm / norm);
      for (NDArray g : gradients) {
        g.muli(scale);
      }
    }
    return norm;
  }
}
