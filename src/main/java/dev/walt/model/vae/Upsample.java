package dev.walt.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.walt.model.nn.CausalConv3d;
import dev.walt.model.nn.FixedShapeBlock;
import dev.walt.model.nn.Ops;
import dev.walt.model.nn.VideoLayer;
import org.jspecify.annotations.Nullable;

/**
 * Decoder upsampling by depth-to-space (DJL has no transposed 3D convolution): a causal 3x3x3
 * convolution makes {@code C * rt * rs * rs} channels, {@link Ops#depthToSpace} spreads them over time
 * and space, and with {@code rt > 1} the first {@code rt - 1} frames are dropped so the first latent
 * frame yields one frame, mirroring the encoder: T -> 1 + (T - 1) * rt.
 */
final class Upsample extends FixedShapeBlock implements VideoLayer {

  private final int rt;
  private final int rs;
  private final CausalConv3d conv;

  Upsample(int channels, int rt, int rs) {
    this.rt = rt;
    this.rs = rs;
    conv = addChildBlock("conv", CausalConv3d.cube(channels, channels * rt * rs * rs, 3));
  }

  /**
   * @param x (B, C, T, H, W)
   * @return (B, C, 1 + (T - 1) * rt, H * rs, W * rs)
   */
  @Override
  public NDArray forward(ParameterStore store, NDArray x, boolean training) {
    // (B, C*rt*rs*rs, T, H, W) -> (B, C, T*rt, H*rs, W*rs)
    NDArray y = Ops.depthToSpace(conv.forward(store, x, training), rt, rs);
    if (rt > 1) {
      y = y.get(":, :, " + (rt - 1) + ":");
    }
    return y;
  }

  @Override
  public Shape outputShape(Shape in) {
    return new Shape(in.get(0), in.get(1), 1 + (in.get(2) - 1) * rt, in.get(3) * rs, in.get(4) * rs);
  }

  @Override
  public long flops(Shape in) {
    return conv.flops(in);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
    return new NDList(forward(store, inputs.singletonOrThrow(), training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {outputShape(inputShapes[0])};
  }
}
