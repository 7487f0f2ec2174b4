package dev.walt.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.walt.model.nn.CausalConv3d;
import dev.walt.model.nn.FixedShapeBlock;
import dev.walt.model.nn.GroupNorm;
import dev.walt.model.nn.Ops;
import dev.walt.model.nn.VideoLayer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The common shape of the encoder and the decoder: {@code conv_in}, a chain of layers (residual
 * blocks and resampling), then {@code conv_out(silu(norm_out(h)))}.
 */
abstract class ConvStack extends FixedShapeBlock implements VideoLayer {

  private final List<VideoLayer> layers = new ArrayList<>();
  private @Nullable GroupNorm normOut;
  private @Nullable CausalConv3d convOut;

  /** Appends a layer of the chain (conv_in first). */
  protected final <L extends Block & VideoLayer> L layer(String name, L layer) {
    layers.add(addChildBlock(name, layer));
    return layer;
  }

  /** Sets the head: norm_out over {@code channels}, SiLU, conv_out to {@code outChannels}. */
  protected final void head(int channels, int groups, int outChannels) {
    normOut = addChildBlock("norm_out", new GroupNorm(channels, groups, ResBlock.EPS, GroupNorm.Scope.FRAME));
    convOut = addChildBlock("conv_out", CausalConv3d.cube(channels, outChannels, 3));
  }

  /**
   * Runs the stack. In inference every layer runs in its own sub-manager that is closed once its
   * output exists, so the peak memory is that of one layer, not of the whole stack (a decode at high
   * resolution would otherwise keep every activation until the caller's scope closes). In training
   * the activations are kept for the backward pass.
   */
  @Override
  public NDArray forward(ParameterStore store, NDArray x, boolean training) {
    if (training) {
      NDArray h = x;
      for (VideoLayer layer : layers) {
        h = layer.forward(store, h, true);
      }
      return head().forward(store, Ops.silu(norm().forward(store, h, true)), true);
    }
    NDManager owner = x.getManager();
    NDArray h = x;
    for (VideoLayer layer : layers) {
      h = inScope(owner, x, h, in -> layer.forward(store, in, false));
    }
    return inScope(owner, x, h, in -> head().forward(store, Ops.silu(norm().forward(store, in, false)), false));
  }

  /** Applies {@code step} to {@code in} in a sub-manager; {@code in} dies there unless it is the input. */
  private static NDArray inScope(NDManager owner, NDArray input, NDArray in, UnaryOperator<NDArray> step) {
    try (NDManager scope = owner.newSubManager()) {
      if (in == input) {
        in.tempAttach(scope);
      } else {
        in.attach(scope);
      }
      NDArray out = step.apply(in);
      out.attach(owner);
      return out;
    }
  }

  @Override
  public Shape outputShape(Shape in) {
    Shape s = in;
    for (VideoLayer layer : layers) {
      s = layer.outputShape(s);
    }
    return head().outputShape(s);
  }

  @Override
  public long flops(Shape in) {
    long total = 0;
    Shape s = in;
    for (VideoLayer layer : layers) {
      total += layer.flops(s);
      s = layer.outputShape(s);
    }
    return total + norm().flops(s) + head().flops(s);
  }

  private GroupNorm norm() {
    if (normOut == null) {
      throw new IllegalStateException("head not set");
    }
    return normOut;
  }

  private CausalConv3d head() {
    if (convOut == null) {
      throw new IllegalStateException("head not set");
    }
    return convOut;
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
