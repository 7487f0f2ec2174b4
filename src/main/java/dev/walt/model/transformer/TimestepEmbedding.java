package dev.walt.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import org.jspecify.annotations.Nullable;

/**
 * Embeds a scalar per sample (the diffusion timestep, or the noise-augmentation level scaled to the
 * same range) as in DiT: sinusoidal features of {@link #FREQUENCY_DIM} channels (Vaswani et al.,
 * 2017; half cosines, half sines, periods from 1 to 10,000) followed by Linear - SiLU - Linear.
 */
public final class TimestepEmbedding extends AbstractBlock {

  /** Sinusoidal feature width (DiT's 256). */
  public static final int FREQUENCY_DIM = 256;

  private static final double MAX_PERIOD = 10_000.0;

  private final Dense first;
  private final Dense second;

  /** @param dim D, the output width */
  public TimestepEmbedding(int dim) {
    this.first = addChildBlock("first", new Dense(FREQUENCY_DIM, dim, true, new NormalInitializer(0.02f)));
    this.second = addChildBlock("second", new Dense(dim, dim, true, new NormalInitializer(0.02f)));
  }

  /**
   * Sinusoidal features.
   *
   * @param t (B) float32
   * @return (B, 256): {@code cos(t f_i)} then {@code sin(t f_i)}, {@code f_i = 10000^(-i/128)}
   */
  public static NDArray sinusoidal(NDArray t) {
    NDManager manager = t.getManager();
    int half = FREQUENCY_DIM / 2;
    NDArray frequencies =
        manager.arange(0f, (float) half, 1f, DataType.FLOAT32, t.getDevice()).mul(-Math.log(MAX_PERIOD) / half).exp();
    NDArray angles = t.toType(DataType.FLOAT32, false).reshape(-1, 1).mul(frequencies.reshape(1, half)); // (B, half)
    return NDArrays.concat(new NDList(angles.cos(), angles.sin()), 1);
  }

  /**
   * @param t (B) float32
   * @return (B, D)
   */
  public NDArray forward(ParameterStore store, NDArray t, boolean training) {
    NDArray hidden = first.forward(store, sinusoidal(t), training);
    return second.forward(store, hidden.mul(Activation.sigmoid(hidden)), training);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
    return new NDList(forward(store, inputs.singletonOrThrow(), training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), second.out())};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    first.initialize(manager, dataType, inputShapes);
    second.initialize(manager, dataType, inputShapes);
  }
}
