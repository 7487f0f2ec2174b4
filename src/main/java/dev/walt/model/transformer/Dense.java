package dev.walt.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;
import org.jspecify.annotations.Nullable;

/**
 * A fully connected layer with its sizes fixed at construction (so the whole model can be initialised
 * without sample inputs): {@code y = x W^T + b}, one fused PyTorch {@code linear} call. Parameters
 * {@code weight} (out, in) and {@code bias} (out).
 */
public final class Dense extends AbstractBlock {

  /** Glorot/Xavier uniform, the default of DiT's linear layers. */
  public static final Initializer XAVIER =
      new XavierInitializer(XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.AVG, 6f);

  private final int in;
  private final int out;
  private final Parameter weight;
  private final @Nullable Parameter bias;

  /**
   * @param in input features
   * @param out output features
   * @param withBias whether to add a bias (initialised to zero)
   * @param weightInit weight initialiser
   */
  public Dense(int in, int out, boolean withBias, Initializer weightInit) {
    this.in = in;
    this.out = out;
    this.weight =
        addParameter(
            Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(out, in))
                .optInitializer(weightInit)
                .build());
    this.bias =
        withBias
            ? addParameter(
                Parameter.builder()
                    .setName("bias")
                    .setType(Parameter.Type.BIAS)
                    .optShape(new Shape(out))
                    .optInitializer(Initializer.ZEROS)
                    .build())
            : null;
  }

  /** Xavier-initialised weight and a zero bias. */
  public Dense(int in, int out) {
    this(in, out, true, XAVIER);
  }

  /**
   * @param x (..., in)
   * @return (..., out), on {@code x}'s manager
   */
  public NDArray forward(ParameterStore store, NDArray x, boolean training) {
    NDArray w = store.getValue(weight, x.getDevice(), training);
    NDArray b = bias == null ? null : store.getValue(bias, x.getDevice(), training);
    return Linear.linear(x, w, b).singletonOrThrow();
  }

  public int in() {
    return in;
  }

  public int out() {
    return out;
  }

  /** The weight parameter, (out, in). */
  public Parameter weight() {
    return weight;
  }

  /** The bias parameter, (out), or null. */
  public @Nullable Parameter bias() {
    return bias;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
    return new NDList(forward(store, inputs.singletonOrThrow(), training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {s.slice(0, s.dimension() - 1).add(out)};
  }
}
