package dev.walt.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Layer normalisation over the last axis without a learned affine transform (Ba et al., 2016): the
 * AdaLN layers of the transformer supply their own per-sample scale and shift. One fused PyTorch
 * {@code layer_norm} call.
 */
public final class LayerNorm {

  /** The epsilon DiT uses for its affine-free layer norms. */
  public static final float EPS = 1e-6f;

  private LayerNorm() {}

  /**
   * Normalises {@code x} to zero mean and unit variance over its last axis.
   *
   * @param x (..., D)
   * @return (..., D), on {@code x}'s manager
   */
  public static NDArray normalize(NDArray x, float eps) {
    long d = x.getShape().get(x.getShape().dimension() - 1);
    NDManager manager = x.getManager();
    NDArray ones = manager.ones(new Shape(d), x.getDataType(), x.getDevice());
    NDArray zeros = manager.zeros(new Shape(d), x.getDataType(), x.getDevice());
    NDArray y = ai.djl.nn.norm.LayerNorm.layerNorm(x, new Shape(d), ones, zeros, eps).singletonOrThrow();
    ones.close();
    zeros.close();
    return y;
  }

  /** {@link #normalize(NDArray, float)} with {@link #EPS}. */
  public static NDArray normalize(NDArray x) {
    return normalize(x, EPS);
  }

  /**
   * Layer norm with a learned affine transform.
   *
   * @param x (..., D)
   * @param gamma (D)
   * @param beta (D)
   * @return (..., D), on {@code x}'s manager
   */
  public static NDArray affine(NDArray x, NDArray gamma, NDArray beta, float eps) {
    return ai.djl.nn.norm.LayerNorm.layerNorm(x, gamma.getShape(), gamma, beta, eps).singletonOrThrow();
  }
}
