package dev.walt.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.walt.model.nn.CausalConv3d;
import dev.walt.model.nn.FixedShapeBlock;
import dev.walt.model.nn.GroupNorm;
import dev.walt.model.nn.Ops;
import dev.walt.model.nn.VideoLayer;
import org.jspecify.annotations.Nullable;

/**
 * Residual block of the autoencoder: {@code skip(x) + conv2(silu(norm2(conv1(silu(norm1(x))))))} with
 * causal 3x3x3 convolutions and per-frame GroupNorm; {@code skip} is a 1x1x1 convolution when the
 * channel count changes, else the identity.
 */
final class ResBlock extends FixedShapeBlock implements VideoLayer {

  static final float EPS = 1e-6f;

  private final GroupNorm norm1;
  private final CausalConv3d conv1;
  private final GroupNorm norm2;
  private final CausalConv3d conv2;
  private final @Nullable CausalConv3d skip;

  ResBlock(int in, int out, int groups) {
    norm1 = addChildBlock("norm1", new GroupNorm(in, groups, EPS, GroupNorm.Scope.FRAME));
    conv1 = addChildBlock("conv1", CausalConv3d.cube(in, out, 3));
    norm2 = addChildBlock("norm2", new GroupNorm(out, groups, EPS, GroupNorm.Scope.FRAME));
    conv2 = addChildBlock("conv2", CausalConv3d.cube(out, out, 3));
    skip = in == out ? null : addChildBlock("skip", CausalConv3d.cube(in, out, 1));
  }

  /**
   * @param x (B, Cin, T, H, W)
   * @return (B, Cout, T, H, W)
   */
  @Override
  public NDArray forward(ParameterStore store, NDArray x, boolean training) {
    NDArray h = conv1.forward(store, Ops.silu(norm1.forward(store, x, training)), training);
    h = conv2.forward(store, Ops.silu(norm2.forward(store, h, training)), training);
    NDArray shortcut = skip == null ? x : skip.forward(store, x, training);
    return shortcut.add(h);
  }

  @Override
  public Shape outputShape(Shape in) {
    return conv1.outputShape(in);
  }

  @Override
  public long flops(Shape in) {
    Shape mid = conv1.outputShape(in);
    return norm1.flops(in)
        + conv1.flops(in)
        + norm2.flops(mid)
        + conv2.flops(mid)
        + (skip == null ? 0 : skip.flops(in));
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
