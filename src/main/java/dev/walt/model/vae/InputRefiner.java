package dev.walt.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.walt.model.RefinerConfig;
import dev.walt.model.nn.CausalConv3d;
import dev.walt.model.nn.FixedShapeBlock;
import dev.walt.model.nn.Ops;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Brings a super-resolution stage's output back to the video it upsamples (not in the W.A.L.T paper; the
 * idea of StableSR's feature wrapping, fidelity to the input through the decoder's side, done here in pixels).
 *
 * <p>A latent super-resolution stage samples a latent at the higher resolution and the autoencoder decodes
 * it. Everything the decoder loses (walt-tiny's reconstructs 128 px clips at about 28.5 dB, most of the
 * error on the moving outline) is lost for the output, however well the stage samples, while the
 * low-resolution input it was given is known exactly. The refiner sees both, per frame:
 *
 * <pre>
 *   up  = bicubic(low)                                  (B, 3, T, H, W), the input upsampled
 *   out = up + R(decoded - up, up)                      R: 3 x 3 convolutions, SiLU between them
 * </pre>
 *
 * so it keeps the input's low frequencies and learns from the decoded sample, and from the input's own
 * anti-aliased edges, what to add to them. The last convolution starts at zero: an untrained refiner returns
 * bicubic upsampling. Every convolution is per frame (a 1 x 3 x 3 kernel), so frame t of the output depends on
 * frame t of the decoded and the low-resolution videos only, and a one-frame video refines like a video's
 * first frame.
 *
 * <p>Parameters: {@code conv<i>.weight} (C_out, C_in, 1, 3, 3), {@code conv<i>.bias} (C_out), i = 0 .. layers - 1.
 */
public final class InputRefiner extends FixedShapeBlock {

  private final RefinerConfig config;
  private final int factor;
  private final List<CausalConv3d> convs = new ArrayList<>();

  /**
   * @param config width and depth
   * @param factor the stage's upsampling factor (output size / input size)
   */
  public InputRefiner(RefinerConfig config, int factor) {
    if (factor < 1) {
      throw new IllegalArgumentException("factor must be >= 1, got " + factor);
    }
    this.config = config;
    this.factor = factor;
    int in = 6;
    for (int i = 0; i < config.layers(); i++) {
      int out = i == config.layers() - 1 ? 3 : config.channels();
      convs.add(addChildBlock("conv" + i, new CausalConv3d(in, out, new int[] {1, 3, 3}, new int[] {1, 1, 1})));
      in = out;
    }
  }

  public RefinerConfig config() {
    return config;
  }

  public int factor() {
    return factor;
  }

  /** Sets the output convolution to zero, so that the refiner returns bicubic upsampling (after initialising). */
  public void zeroOutput() {
    for (var pair : convs.get(convs.size() - 1).getParameters()) {
      pair.getValue().getArray().muli(0);
    }
  }

  /**
   * Refines without gradients.
   *
   * @param decoded the stage's decoded output (B, 3, T, H, W) in [-1, 1]
   * @param low the video it upsamples (B, 3, T, H / factor, W / factor) in [-1, 1]
   * @return (B, 3, T, H, W)
   */
  public NDArray refine(NDArray decoded, NDArray low) {
    return refine(new ParameterStore(decoded.getManager(), false), decoded, upsample(low), false);
  }

  /**
   * Refines, with the low-resolution input already upsampled by {@link #upsample} (so that a trainer can crop
   * both alike).
   *
   * @param decoded (B, 3, T, H, W)
   * @param up (B, 3, T, H, W), the input upsampled
   */
  public NDArray refine(ParameterStore store, NDArray decoded, NDArray up, boolean training) {
    if (!decoded.getShape().equals(up.getShape()) || decoded.getShape().dimension() != 5
        || decoded.getShape().get(1) != 3) {
      throw new IllegalArgumentException(
          "the decoded video and the upsampled input must both be (B, 3, T, H, W), got " + decoded.getShape()
              + " and " + up.getShape());
    }
    NDArray x = decoded.sub(up).concat(up, 1);
    for (int i = 0; i < convs.size(); i++) {
      x = convs.get(i).forward(store, x, training);
      if (i < convs.size() - 1) {
        x = Ops.silu(x);
      }
    }
    return up.add(x);
  }

  /**
   * Bicubic upsampling by {@link #factor} of every frame (Keys' cubic, a = -0.5; pixel centres map to pixel
   * centres, {@code x_out + 0.5 = (x_in + 0.5) * factor}; the edge pixels repeat beyond the border).
   *
   * @param low (B, C, T, h, w)
   * @return (B, C, T, h * factor, w * factor)
   */
  public NDArray upsample(NDArray low) {
    Shape s = low.getShape();
    if (s.dimension() != 5) {
      throw new IllegalArgumentException("expected (B, C, T, h, w), got " + s);
    }
    int h = (int) s.get(3);
    int w = (int) s.get(4);
    NDManager manager = low.getManager();
    NDArray rows = manager.create(bicubicMatrix(h, h * factor), new Shape(h * factor, h));
    NDArray columns = manager.create(bicubicMatrix(w, w * factor), new Shape(w * factor, w)).transpose();
    NDArray flat = low.reshape(s.get(0) * s.get(1) * s.get(2), h, w);
    return rows.matMul(flat).matMul(columns).reshape(s.get(0), s.get(1), s.get(2), (long) h * factor,
        (long) w * factor);
  }

  /**
   * Floating-point operations of one {@link #refine(NDArray, NDArray)} (2 per multiply-add): the bicubic
   * upsampling's two matrix products and the convolutions.
   *
   * @param decoded the decoded video's shape (B, 3, T, H, W)
   */
  public long flops(Shape decoded) {
    long planes = decoded.get(0) * 3 * decoded.get(2);
    long high = decoded.get(3);
    long wide = decoded.get(4);
    long total = planes * (2 * high * (high / factor) * (wide / factor) + 2 * high * (wide / factor) * wide);
    Shape x = new Shape(decoded.get(0), 6, decoded.get(2), high, wide);
    for (CausalConv3d conv : convs) {
      total += conv.flops(x);
      x = conv.outputShape(x);
    }
    return total;
  }

  /** The (out x in) matrix of bicubic resampling along one axis, row-major. */
  static float[] bicubicMatrix(int in, int out) {
    float[] m = new float[out * in];
    double scale = (double) in / out;
    for (int o = 0; o < out; o++) {
      double x = (o + 0.5) * scale - 0.5;
      int x0 = (int) Math.floor(x);
      for (int tap = x0 - 1; tap <= x0 + 2; tap++) {
        int source = Math.min(in - 1, Math.max(0, tap));
        m[o * in + source] += (float) keys(x - tap);
      }
    }
    return m;
  }

  /** Keys' cubic convolution kernel with a = -0.5. */
  private static double keys(double distance) {
    double d = Math.abs(distance);
    if (d <= 1) {
      return (1.5 * d - 2.5) * d * d + 1;
    }
    if (d < 2) {
      return ((-0.5 * d + 2.5) * d - 4) * d + 2;
    }
    return 0;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
    return new NDList(refine(store, inputs.get(0), upsample(inputs.get(1)), training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
