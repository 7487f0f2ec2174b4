package dev.walt.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import org.jspecify.annotations.Nullable;

/**
 * Root-mean-square normalisation over the last axis (Zhang and Sennrich, 2019) with a learned
 * per-channel scale {@code weight} (initialised to 1): {@code y = x / sqrt(mean(x^2) + eps) * weight}.
 * The transformer uses it for qk-norm on each attention head.
 */
public final class RmsNorm extends AbstractBlock {

  private final int dim;
  private final float eps;
  private final Parameter weight;

  /**
   * @param dim size of the normalised (last) axis
   * @param eps added to the mean square
   */
  public RmsNorm(int dim, float eps) {
    this.dim = dim;
    this.eps = eps;
    this.weight =
        addParameter(
            Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.GAMMA)
                .optShape(new Shape(dim))
                .optInitializer(Initializer.ONES)
                .build());
  }

  /**
   * Normalises without a scale.
   *
   * @param x (..., D)
   * @return (..., D) on {@code x}'s manager
   */
  public static NDArray normalize(NDArray x, float eps) {
    return normalize(x, eps, 1.0);
  }

  /**
   * Normalises and multiplies by a constant in one pass over {@code x}: the constant is folded into
   * the per-row denominator (used to fold attention's 1/sqrt(d) into the query norm).
   *
   * @param x (..., D)
   * @return (..., D) {@code x / sqrt(mean(x^2) + eps) * factor}, on {@code x}'s manager
   */
  public static NDArray normalize(NDArray x, float eps, double factor) {
    long d = x.getShape().get(x.getShape().dimension() - 1);
    NDArray norm = x.norm(new int[] {-1}, true); // (..., 1): sqrt(sum x^2), one pass over x
    NDArray denominator = Ops.div(norm.square(), d).add(eps).sqrt(); // sqrt(mean(x^2) + eps), per row
    if (factor != 1.0) {
      denominator = Ops.div(denominator, factor);
    }
    return x.div(denominator);
  }

  /**
   * @param x (..., dim)
   * @return (..., dim), normalised and scaled
   */
  public NDArray forward(ParameterStore store, NDArray x, boolean training) {
    return forward(store, x, 1.0, training);
  }

  /**
   * @param x (..., dim)
   * @param factor constant multiplied into the result
   * @return (..., dim), normalised, scaled by the weight and by {@code factor}
   */
  public NDArray forward(ParameterStore store, NDArray x, double factor, boolean training) {
    return normalize(x, eps, factor).mul(store.getValue(weight, x.getDevice(), training));
  }

  public int dim() {
    return dim;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
    return new NDList(forward(store, inputs.singletonOrThrow(), training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
