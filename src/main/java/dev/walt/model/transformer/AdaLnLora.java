package dev.walt.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import org.jspecify.annotations.Nullable;

/**
 * AdaLN-LoRA (W.A.L.T section 3.3): the modulation vectors of every block (shift, scale, gate for the
 * attention and for the MLP: 6 x D) come from one shared projection of the conditioning, plus a
 * rank-r correction per layer:
 *
 * <pre>
 *   mod_l = W_shared c + b_shared + B_l (A_l c),   c = SiLU(timestep embedding [+ noise-level embedding])
 * </pre>
 *
 * with {@code A_l: (r, D)} and {@code B_l: (6D, r)}. As in DiT's adaLN-Zero the shared projection and
 * every B_l start at zero, so all gates are 0 and every block is the identity at initialisation. The
 * corrections of all layers are computed together in two batched matmuls.
 *
 * <p>Parameters: {@code shared} (Dense D -> 6D), {@code loraDown} (L * r, D) holding A_0..A_{L-1}
 * stacked, {@code loraUp} (L, r, 6D) holding B_l^T.
 */
public final class AdaLnLora extends AbstractBlock {

  /** Modulation vectors per layer: shift/scale/gate of the attention, then of the MLP. */
  public static final int VECTORS = 6;

  private final int dim;
  private final int layers;
  private final int rank;
  private final Dense shared;
  private final @Nullable Parameter loraDown;
  private final @Nullable Parameter loraUp;

  /**
   * @param dim D
   * @param layers L, number of blocks
   * @param rank r (0: no per-layer correction)
   */
  public AdaLnLora(int dim, int layers, int rank) {
    this.dim = dim;
    this.layers = layers;
    this.rank = rank;
    this.shared = addChildBlock("shared", new Dense(dim, VECTORS * dim, true, Initializer.ZEROS));
    if (rank > 0) {
      this.loraDown =
          addParameter(
              Parameter.builder()
                  .setName("loraDown")
                  .setType(Parameter.Type.WEIGHT)
                  .optShape(new Shape((long) layers * rank, dim))
                  .optInitializer(new NormalInitializer((float) (1.0 / Math.sqrt(dim))))
                  .build());
      this.loraUp =
          addParameter(
              Parameter.builder()
                  .setName("loraUp")
                  .setType(Parameter.Type.WEIGHT)
                  .optShape(new Shape(layers, rank, (long) VECTORS * dim))
                  .optInitializer(Initializer.ZEROS)
                  .build());
    } else {
      this.loraDown = null;
      this.loraUp = null;
    }
  }

  /**
   * The modulation vectors of every layer.
   *
   * @param condition c, the activated conditioning, (B, D)
   * @return (L, B, 6D): layer l's vectors are {@code get(l)}
   */
  public NDArray forward(ParameterStore store, NDArray condition, boolean training) {
    NDArray common = shared.forward(store, condition, training); // (B, 6D)
    long b = condition.getShape().get(0);
    if (rank == 0) {
      return common.expandDims(0).broadcast(layers, b, (long) VECTORS * dim);
    }
    NDArray down = store.getValue(loraDown, condition.getDevice(), training);
    NDArray up = store.getValue(loraUp, condition.getDevice(), training);
    // (B, D) -> (B, L * r) -> (B, L, r) -> (L, B, r)
    NDArray projected = Linear.linear(condition, down, null).singletonOrThrow().reshape(b, layers, rank).transpose(1, 0, 2);
    // (L, B, r) x (L, r, 6D) -> (L, B, 6D)
    return projected.matMul(up).add(common);
  }

  public int layers() {
    return layers;
  }

  public int rank() {
    return rank;
  }

  /** A_l stacked: (L * r, D); null when r = 0. */
  public @Nullable Parameter loraDown() {
    return loraDown;
  }

  /** B_l^T stacked: (L, r, 6D); null when r = 0. */
  public @Nullable Parameter loraUp() {
    return loraUp;
  }

  /** The shared projection D -> 6D. */
  public Dense shared() {
    return shared;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
    return new NDList(forward(store, inputs.singletonOrThrow(), training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(layers, inputShapes[0].get(0), (long) VECTORS * dim)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    shared.initialize(manager, dataType, inputShapes);
  }
}
