package dev.walt.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.jspecify.annotations.Nullable;

/**
 * A 3D convolution that is causal in time (MAGVIT-v2, Yu et al. 2023, section 3.2): time is padded on
 * the left only, with {@code kt - 1} copies of the first frame, so output frame {@code t} sees input
 * frames {@code <= t * stride} and never a later one. Replicating the first frame (rather than zeros)
 * makes a one-frame video (an image) look like a still video to every layer. Space is padded
 * symmetrically with zeros by {@code (k - 1) / 2} (odd spatial kernels only).
 *
 * <p>With time stride {@code st}, T frames become {@code 1 + (T - 1) / st}; output frame 0 depends on
 * input frame 0 alone, which keeps the first frame apart under temporal downsampling.
 *
 * <p>Parameters: {@code weight} (Cout, Cin, kt, kh, kw) and {@code bias} (Cout).
 */
public final class CausalConv3d extends FixedShapeBlock implements VideoLayer {

  private final int inChannels;
  private final int outChannels;
  private final int[] kernel;
  private final int[] stride;
  private final Parameter weight;
  private final Parameter bias;

  /**
   * @param inChannels Cin
   * @param outChannels Cout
   * @param kernel (kt, kh, kw); kh and kw odd
   * @param stride (st, sh, sw)
   */
  public CausalConv3d(int inChannels, int outChannels, int[] kernel, int[] stride) {
    if (kernel.length != 3 || stride.length != 3) {
      throw new IllegalArgumentException("kernel and stride are (t, h, w)");
    }
    if (kernel[1] % 2 == 0 || kernel[2] % 2 == 0) {
      throw new IllegalArgumentException("spatial kernel must be odd, got " + kernel[1] + "x" + kernel[2]);
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernel = kernel.clone();
    this.stride = stride.clone();
    weight =
        addParameter(
            Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(outChannels, inChannels, kernel[0], kernel[1], kernel[2]))
                .build());
    bias =
        addParameter(
            Parameter.builder()
                .setName("bias")
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(outChannels))
                .build());
  }

  /** A stride-1 convolution with a cubic kernel {@code k x k x k}. */
  public static CausalConv3d cube(int inChannels, int outChannels, int k) {
    return new CausalConv3d(inChannels, outChannels, new int[] {k, k, k}, new int[] {1, 1, 1});
  }

  /**
   * Convolves {@code x}.
   *
   * @param x (B, Cin, T, H, W)
   * @return (B, Cout, 1 + (T - 1) / st, (H - 1) / sh + 1, (W - 1) / sw + 1)
   */
  @Override
  public NDArray forward(ParameterStore store, NDArray x, boolean training) {
    if (x.getShape().dimension() != 5 || x.getShape().get(1) != inChannels) {
      throw new IllegalArgumentException(
          "CausalConv3d(" + inChannels + " -> " + outChannels + ") got input " + x.getShape());
    }
    NDArray padded = x;
    if (kernel[0] > 1) {
      // (B, Cin, 1, H, W) -> (B, Cin, kt - 1, H, W), prepended in time
      NDArray first = x.get(":, :, 0:1");
      NDArray pad = kernel[0] == 2 ? first : first.repeat(2, kernel[0] - 1);
      padded = pad.concat(x, 2);
    }
    return Conv3d.conv3d(
            padded,
            value(store, weight, x, training),
            value(store, bias, x, training),
            new Shape(stride[0], stride[1], stride[2]),
            new Shape(0, kernel[1] / 2, kernel[2] / 2),
            new Shape(1, 1, 1),
            1)
        .singletonOrThrow();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
    return new NDList(forward(store, inputs.singletonOrThrow(), training));
  }

  /** Output shape for an input (B, Cin, T, H, W). */
  @Override
  public Shape outputShape(Shape in) {
    return new Shape(
        in.get(0),
        outChannels,
        1 + (in.get(2) - 1) / stride[0],
        (in.get(3) - 1) / stride[1] + 1,
        (in.get(4) - 1) / stride[2] + 1);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {outputShape(inputShapes[0])};
  }

  /**
   * Floating-point operations of one forward pass: 2 per multiply-add, plus the bias.
   *
   * @param in input shape (B, Cin, T, H, W)
   */
  @Override
  public long flops(Shape in) {
    Shape out = outputShape(in);
    long outputs = out.size();
    long macsPerOutput = (long) inChannels * kernel[0] * kernel[1] * kernel[2];
    return outputs * (2 * macsPerOutput + 1);
  }

  public int inChannels() {
    return inChannels;
  }

  public int outChannels() {
    return outChannels;
  }
}
