package dev.walt.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.walt.model.nn.LayerNorm;
import org.jspecify.annotations.Nullable;

/**
 * One W.A.L.T transformer block (section 3.2; DiT's adaLN block, Peebles and Xie 2023): pre-norm
 * window attention then MLP, each modulated and gated by AdaLN vectors:
 *
 * <pre>
 *   x = x + gate_a * Attn(LN(x) * (1 + scale_a) + shift_a)
 *   x = x + gate_m * MLP(LN(x) * (1 + scale_m) + shift_m)
 * </pre>
 *
 * A spatial block attends in {@code 1 x H x W} windows and also to the text tokens; a spatiotemporal
 * block attends in {@code wt x wh x ww} windows (identity mask for image sets).
 */
public final class WaltBlock extends AbstractBlock {

  private final int dim;
  private final boolean spatial;
  private final WindowAttention attention;
  private final Dense fc1;
  private final Dense fc2;

  /**
   * @param config sizes and options
   * @param spatial true for a spatial block (text cross-attention), false for spatiotemporal
   */
  public WaltBlock(TransformerConfig config, boolean spatial) {
    this.dim = config.hiddenSize();
    this.spatial = spatial;
    this.attention =
        addChildBlock(
            "attention",
            new WindowAttention(
                dim,
                config.heads(),
                spatial ? config.spatialWindow() : config.spatiotemporalWindow(),
                config.qkNorm(),
                config.relativePositionBias()));
    this.fc1 = addChildBlock("fc1", new Dense(dim, config.mlpHidden()));
    this.fc2 = addChildBlock("fc2", new Dense(config.mlpHidden(), dim));
  }

  /**
   * @param x tokens (B, T, H, W, D)
   * @param modulation this layer's AdaLN vectors (B, 6D): shift, scale, gate (attention), shift,
   *     scale, gate (MLP)
   * @param text projected text tokens (B, K, D), used only by spatial blocks; or null
   * @param textMask (B, K), 1 for real tokens; or null
   * @param imageSet per sample whether its frames are independent images; or null
   * @return (B, T, H, W, D)
   */
  public NDArray forward(
      ParameterStore store,
      NDArray x,
      NDArray modulation,
      @Nullable NDArray text,
      @Nullable NDArray textMask,
      boolean @Nullable [] imageSet,
      boolean training) {
    long b = x.getShape().get(0);
    NDArray m = modulation.reshape(b, AdaLnLora.VECTORS, 1, 1, 1, dim); // (B, 6D) -> (B, 6, 1, 1, 1, D)
    NDArray h = modulate(LayerNorm.normalize(x), m.get(":, 0"), m.get(":, 1"));
    NDArray attended =
        attention.forward(store, h, spatial ? text : null, spatial ? textMask : null, spatial ? null : imageSet, training);
    x = attended.muli(m.get(":, 2")).addi(x); // in place on the fresh projection output
    h = modulate(LayerNorm.normalize(x), m.get(":, 3"), m.get(":, 4"));
    NDArray mlp = fc2.forward(store, Activation.gelu(fc1.forward(store, h, training)), training);
    return mlp.muli(m.get(":, 5")).addi(x);
  }

  /**
   * {@code normalized * (1 + scale) + shift}, in place on {@code normalized} (a fresh layer-norm output
   * that nothing else holds; layer norm's backward does not need its output).
   */
  static NDArray modulate(NDArray normalized, NDArray shift, NDArray scale) {
    return normalized.muli(scale.add(1f)).addi(shift);
  }

  public boolean spatial() {
    return spatial;
  }

  public WindowAttention attention() {
    return attention;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
    NDArray text = inputs.size() > 2 ? inputs.get(2) : null;
    NDArray textMask = inputs.size() > 3 ? inputs.get(3) : null;
    return new NDList(forward(store, inputs.get(0), inputs.get(1), text, textMask, null, training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    for (var child : getChildren().values()) {
      child.initialize(manager, dataType, inputShapes);
    }
  }
}
