package dev.walt.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import dev.walt.model.nn.LayerNorm;
import org.jspecify.annotations.Nullable;

/**
 * The output head (DiT's final layer): its own AdaLN shift/scale from the conditioning, then a linear
 * map from D to the p x p x C values of a patch. Both linears start at zero, so the untrained model
 * predicts v = 0 exactly.
 */
public final class FinalLayer extends AbstractBlock {

  private final int dim;
  private final Dense modulation;
  private final Dense proj;

  /**
   * @param dim D
   * @param patchValues p * p * C
   */
  public FinalLayer(int dim, int patchValues) {
    this.dim = dim;
    this.modulation = addChildBlock("modulation", new Dense(dim, 2 * dim, true, Initializer.ZEROS));
    this.proj = addChildBlock("proj", new Dense(dim, patchValues, true, Initializer.ZEROS));
  }

  /**
   * @param x tokens (B, T, H, W, D)
   * @param condition activated conditioning (B, D)
   * @return (B, T, H, W, p*p*C)
   */
  public NDArray forward(ParameterStore store, NDArray x, NDArray condition, boolean training) {
    long b = x.getShape().get(0);
    NDArray m = modulation.forward(store, condition, training).reshape(b, 2, 1, 1, 1, dim); // (B, 2, 1, 1, 1, D)
    NDArray h = WaltBlock.modulate(LayerNorm.normalize(x), m.get(":, 0"), m.get(":, 1"));
    return proj.forward(store, h, training);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
    return new NDList(forward(store, inputs.get(0), inputs.get(1), training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {s.slice(0, s.dimension() - 1).add(proj.out())};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    modulation.initialize(manager, dataType, inputShapes);
    proj.initialize(manager, dataType, inputShapes);
  }
}
