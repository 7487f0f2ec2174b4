package dev.walt.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.pytorch.jni.JniUtils;

/** Stateless tensor helpers shared by the autoencoder and the transformer. */
public final class Ops {

  private Ops() {}

  /**
   * {@code x * c}. Use this, not {@code x.mul(Number)}, wherever gradients may be recorded.
   *
   * <p>DJL's {@code NDArray.mul(Number)} (and {@code div}, {@code maximum}, {@code pow} with a number)
   * makes the number a tensor that borrows a Java direct buffer (on CPU PyTorch does not copy it) and
   * closes that tensor as soon as the operation returns. Autograd keeps the factor of a product for the
   * backward pass, so once a garbage collection frees the buffer, the backward pass reads freed memory:
   * gradients silently wrong, sometimes not finite (TrainerTest's flaky resume, the "1-2 % non-finite
   * steps" of the first training runs). With gradient recording on, the constant is first copied into
   * memory that PyTorch owns and counts references to; with it off, nothing keeps the constant and the
   * plain operation is used.
   */
  public static NDArray mul(NDArray x, double c) {
    if (!JniUtils.isGradMode()) {
      return x.mul(c);
    }
    try (NDArray k = constant(x, c)) {
      return x.mul(k);
    }
  }

  /** {@code x / c}, safe under autograd (see {@link #mul(NDArray, double)}). */
  public static NDArray div(NDArray x, double c) {
    if (!JniUtils.isGradMode()) {
      return x.div(c);
    }
    try (NDArray k = constant(x, c)) {
      return x.div(k);
    }
  }

  /** {@code max(x, c)} element-wise, safe under autograd (see {@link #mul(NDArray, double)}). */
  public static NDArray maximum(NDArray x, double c) {
    if (!JniUtils.isGradMode()) {
      return x.maximum(c);
    }
    try (NDArray k = constant(x, c)) {
      return x.maximum(k);
    }
  }

  /**
   * A 0-d constant in PyTorch-owned memory on {@code like}'s manager and device. As a 0-d tensor it
   * takes part in type promotion like a number: {@code x}'s data type wins.
   */
  private static NDArray constant(NDArray like, double c) {
    try (NDArray borrowed = like.getManager().create((float) c)) {
      return borrowed.toDevice(like.getDevice(), false).duplicate();
    }
  }

  /** SiLU (swish with beta 1): {@code x * sigmoid(x)}, any shape. */
  public static NDArray silu(NDArray x) {
    if (!JniUtils.isGradMode()) {
      return Activation.sigmoid(x).muli(x); // one new array instead of two
    }
    return x.mul(Activation.sigmoid(x));
  }

  /**
   * Moves channel groups into time and space (the 3D "pixel shuffle"): output frame
   * {@code t * rt + i}, row {@code h * rs + j}, column {@code w * rs + k} of channel {@code c} comes from
   * input channel {@code ((c * rt + i) * rs + j) * rs + k} at {@code (t, h, w)}.
   *
   * @param x (B, C * rt * rs * rs, T, H, W)
   * @param rt temporal factor (1 for space only)
   * @param rs spatial factor
   * @return (B, C, T * rt, H * rs, W * rs)
   */
  public static NDArray depthToSpace(NDArray x, int rt, int rs) {
    long[] s = x.getShape().getShape();
    long b = s[0];
    long r = (long) rt * rs * rs;
    if (s.length != 5 || s[1] % r != 0) {
      throw new IllegalArgumentException(
          "depthToSpace needs (B, C*" + r + ", T, H, W), got " + x.getShape());
    }
    long c = s[1] / r;
    long t = s[2];
    long h = s[3];
    long w = s[4];
    // (B, C*rt*rs*rs, T, H, W) -> (B, C, rt, rs, rs, T, H, W)
    NDArray y = x.reshape(b, c, rt, rs, rs, t, h, w);
    // -> (B, C, T, rt, H, rs, W, rs)
    y = y.transpose(0, 1, 5, 2, 6, 3, 7, 4);
    // -> (B, C, T*rt, H*rs, W*rs)
    return y.reshape(b, c, t * rt, h * rs, w * rs);
  }

  /**
   * The inverse of {@link #depthToSpace}.
   *
   * @param x (B, C, T * rt, H * rs, W * rs)
   * @param rt temporal factor (1 for space only)
   * @param rs spatial factor
   * @return (B, C * rt * rs * rs, T, H, W)
   */
  public static NDArray spaceToDepth(NDArray x, int rt, int rs) {
    long[] s = x.getShape().getShape();
    if (s.length != 5 || s[2] % rt != 0 || s[3] % rs != 0 || s[4] % rs != 0) {
      throw new IllegalArgumentException(
          "spaceToDepth needs (B, C, T*" + rt + ", H*" + rs + ", W*" + rs + "), got " + x.getShape());
    }
    long b = s[0];
    long c = s[1];
    long t = s[2] / rt;
    long h = s[3] / rs;
    long w = s[4] / rs;
    // (B, C, T*rt, H*rs, W*rs) -> (B, C, T, rt, H, rs, W, rs)
    NDArray y = x.reshape(b, c, t, rt, h, rs, w, rs);
    // -> (B, C, rt, rs, rs, T, H, W)
    y = y.transpose(0, 1, 3, 5, 7, 2, 4, 6);
    // -> (B, C*rt*rs*rs, T, H, W)
    return y.reshape(b, c * rt * rs * rs, t, h, w);
  }
}
