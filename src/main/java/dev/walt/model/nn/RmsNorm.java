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
    NDArray meanSquare = x.square().mean(new int[] {-1}, true); // (..., 1)
    return x.div(meanSquare.add(eps).sqrt());
  }

  /**
   * @param x (..., dim)
   * @return (..., dim), normalised and scaled
   */
  public NDArray forward(ParameterStore store, NDArray x, boolean training) {
    return normalize(x, eps).mul(store.getValue(weight, x.getDevice(), training));
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
