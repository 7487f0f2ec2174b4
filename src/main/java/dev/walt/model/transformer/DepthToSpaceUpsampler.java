package dev.walt.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import org.jspecify.annotations.Nullable;

/**
 * Upsamples the low-resolution latent of a super-resolution stage in latent space (W.A.L.T section 5):
 * a 3 x 3 convolution per frame to {@code C * s * s} channels, then depth-to-space (pixel shuffle, Shi
 * et al. 2016): channel {@code c * s * s + dy * s + dx} becomes pixel {@code (y * s + dy, x * s + dx)}
 * of channel c. Initialised to nearest-neighbour upsampling (the centre tap copies the input channel).
 *
 * <p>Parameters {@code weight} (C s s, C, 3, 3) and {@code bias} (C s s).
 */
public final class DepthToSpaceUpsampler extends AbstractBlock {

  private final int channels;
  private final int factor;
  private final Parameter weight;
  private final Parameter bias;

  /**
   * @param channels C, latent channels
   * @param factor s, spatial upsampling factor
   */
  public DepthToSpaceUpsampler(int channels, int factor) {
    this.channels = channels;
    this.factor = factor;
    int out = channels * factor * factor;
    this.weight =
        addParameter(
            Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(out, channels, 3, 3))
                .optInitializer(
                    (manager, shape, type) -> {
                      float[] values = new float[out * channels * 9];
                      for (int o = 0; o < out; o++) {
                        int source = o / (factor * factor);
                        values[(o * channels + source) * 9 + 4] = 1f; // centre tap
                      }
                      return manager.create(values, shape).toType(type, false);
                    })
                .build());
    this.bias =
        addParameter(
            Parameter.builder()
                .setName("bias")
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(out))
                .optInitializer(Initializer.ZEROS)
                .build());
  }

  /**
   * @param lowRes (B, C, T, h, w)
   * @return (B, C, T, h * s, w * s)
   */
  public NDArray forward(ParameterStore store, NDArray lowRes, boolean training) {
    Shape s = lowRes.getShape();
    long b = s.get(0);
    long t = s.get(2);
    long h = s.get(3);
    long w = s.get(4);
    long f = factor;
    // (B, C, T, h, w) -> (B, T, C, h, w) -> (B*T, C, h, w)
    NDArray frames = lowRes.transpose(0, 2, 1, 3, 4).reshape(b * t, channels, h, w);
    NDArray deep =
        Conv2d.conv2d(
                frames,
                store.getValue(weight, lowRes.getDevice(), training),
                store.getValue(bias, lowRes.getDevice(), training),
                new Shape(1, 1),
                new Shape(1, 1),
                new Shape(1, 1),
                1)
            .singletonOrThrow(); // (B*T, C*s*s, h, w)
    // (B*T, C*s*s, h, w) -> (B, T, C, s, s, h, w) -> (B, C, T, h, s, w, s) -> (B, C, T, h*s, w*s)
    return deep.reshape(b, t, channels, f, f, h, w).transpose(0, 2, 1, 5, 3, 6, 4).reshape(b, channels, t, h * f, w * f);
  }

  public int factor() {
    return factor;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
    return new NDList(forward(store, inputs.singletonOrThrow(), training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {new Shape(s.get(0), s.get(1), s.get(2), s.get(3) * factor, s.get(4) * factor)};
  }
}
