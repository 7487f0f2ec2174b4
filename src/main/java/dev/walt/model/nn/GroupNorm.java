package dev.walt.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Group normalisation (Wu and He, 2018): channels are split into {@code groups} groups; each group is
 * normalised to zero mean and unit variance (biased variance, plus {@code eps}), then every channel is
 * scaled by {@code weight} and shifted by {@code bias} (PyTorch's {@code nn.GroupNorm}).
 *
 * <p>{@link Scope#SAMPLE} takes the statistics over (C/G, T, H, W) as PyTorch does. A causal video
 * model cannot use that: the statistics of later frames would leak into earlier ones. {@link
 * Scope#FRAME} takes them over (C/G, H, W) for every frame on its own, which keeps the block causal
 * in time and makes a one-frame video (an image) normalise exactly like the first frame of a video.
 */
public final class GroupNorm extends FixedShapeBlock implements VideoLayer {

  /** Which axes the statistics are taken over. */
  public enum Scope {
    /** Over (C/G, and every axis after C): PyTorch's GroupNorm. */
    SAMPLE,
    /** Over (C/G, H, W) of each frame of a (B, C, T, H, W) input: causal in time. */
    FRAME
  }

  private final int channels;
  private final int groups;
  private final float eps;
  private final Scope scope;
  private final Parameter weight;
  private final Parameter bias;

  /**
   * @param channels C, divisible by {@code groups}
   * @param groups G
   * @param eps added to the variance (PyTorch's default is 1e-5)
   * @param scope which axes the statistics cover
   */
  public GroupNorm(int channels, int groups, float eps, Scope scope) {
    if (groups <= 0 || channels % groups != 0) {
      throw new IllegalArgumentException(channels + " channels do not split into " + groups + " groups");
    }
    this.channels = channels;
    this.groups = groups;
    this.eps = eps;
    this.scope = scope;
    weight =
        addParameter(
            Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.GAMMA)
                .optShape(new Shape(channels))
                .build());
    bias =
        addParameter(
            Parameter.builder()
                .setName("bias")
                .setType(Parameter.Type.BETA)
                .optShape(new Shape(channels))
                .build());
  }

  /**
   * Normalises {@code x}.
   *
   * @param x (B, C, ...); (B, C, T, H, W) for {@link Scope#FRAME}
   * @return shaped like {@code x}
   */
  @Override
  public NDArray forward(ParameterStore store, NDArray x, boolean training) {
    Shape shape = x.getShape();
    long b = shape.get(0);
    if (shape.dimension() < 2 || shape.get(1) != channels) {
      throw new IllegalArgumentException("GroupNorm(" + channels + ") got input " + shape);
    }
    long perGroup = channels / groups;
    NDArray grouped;
    int[] axes;
    long count;
    if (scope == Scope.FRAME) {
      if (shape.dimension() != 5) {
        throw new IllegalArgumentException("GroupNorm per frame needs (B, C, T, H, W), got " + shape);
      }
      // (B, C, T, H, W) -> (B, G, C/G, T, H*W)
      grouped = x.reshape(b, groups, perGroup, shape.get(2), shape.get(3) * shape.get(4));
      axes = new int[] {2, 4};
      count = perGroup * shape.get(3) * shape.get(4);
    } else {
      // (B, C, ...) -> (B, G, C/G * ...)
      grouped = x.reshape(b, groups, -1);
      axes = new int[] {2};
      count = shape.size() / b / groups;
    }
    NDArray mean = Ops.div(grouped.sum(axes, true), count);
    if (!JniUtils.isGradMode()) {
      return inference(store, x, training, grouped, mean, count);
    }
    NDArray centred = grouped.sub(mean);
    NDArray variance = Ops.div(centred.square().sum(axes, true), count);
    NDArray normalised = centred.div(variance.add(eps).sqrt()).reshape(shape);
    long[] affine = new long[shape.dimension()];
    Arrays.fill(affine, 1);
    affine[1] = channels;
    NDArray gamma = value(store, weight, x, training, affine);
    NDArray beta = value(store, bias, x, training, affine);
    return normalised.mul(gamma).add(beta);
  }

  /**
   * The same normalisation without gradients, in fewer passes over the activations (inference decodes
   * 36 MiB activations at 128 x 128): one centred copy, its squared norm along the last axis (no squared
   * copy), then scale and shift in place with per-(sample, channel, frame) factors.
   */
  private NDArray inference(ParameterStore store, NDArray x, boolean training, NDArray grouped, NDArray mean, long count) {
    Shape shape = x.getShape();
    int last = grouped.getShape().dimension() - 1;
    NDArray centred = grouped.sub(mean); // (B, G, C/G, T, HW) or (B, G, rest)
    NDArray sumSquares = centred.norm(new int[] {last}, true).square(); // (B, G, C/G, T, 1) or (B, G, 1)
    if (scope == Scope.FRAME) {
      sumSquares = sumSquares.sum(new int[] {2}, true); // (B, G, 1, T, 1)
    }
    NDArray inverseStd = sumSquares.div(count).add(eps).sqrt().pow(-1);
    long perGroup = channels / groups;
    long[] affine = scope == Scope.FRAME ? new long[] {1, groups, perGroup, 1, 1} : new long[] {1, groups, perGroup};
    NDArray gamma = value(store, weight, x, training, affine);
    NDArray beta = value(store, bias, x, training, affine);
    if (scope == Scope.SAMPLE) {
      // (B, G, rest) -> (B, G, C/G, rest / (C/G)) so that the factors of each channel broadcast
      centred = centred.reshape(shape.get(0), groups, perGroup, -1);
      inverseStd = inverseStd.reshape(shape.get(0), groups, 1, 1);
      gamma = gamma.reshape(1, groups, perGroup, 1);
      beta = beta.reshape(1, groups, perGroup, 1);
    }
    centred.muli(inverseStd.mul(gamma));
    centred.addi(beta);
    return centred.reshape(shape);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
    return new NDList(forward(store, inputs.singletonOrThrow(), training));
  }

  @Override
  public Shape outputShape(Shape in) {
    return in;
  }

  /** About 8 operations per element (statistics, normalisation, affine). */
  @Override
  public long flops(Shape in) {
    return 8 * in.size();
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
