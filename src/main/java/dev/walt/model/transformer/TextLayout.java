package dev.walt.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import org.jspecify.annotations.Nullable;

/**
 * A layout prior read from the caption (not in the paper): {@code r} maps over the whole latent token grid,
 * each a linear function of the pooled caption, each scaling a learned direction of the token space that is
 * added to the tokens before the first block:
 *
 * <pre>
 *   x[b, t, h, w] += sum_k  m_k(pooled_b)[t, h, w] * u_k        m_k = W_k pooled + c_k,  u_k in R^D
 * </pre>
 *
 * <p>Why: where the object is at latent frame {@code t} depends on the motion word and on {@code t} together.
 * Through cross-attention the blocks get a frame-independent summary of the words and must learn a product
 * of three things (word, frame, position) from a weak gradient (the direction matters only at high noise,
 * where the noisy input does not already show it). A map per frame and position makes that product one
 * linear function of the caption: it can hold the conditional mean layout of "moving right" directly.
 *
 * <p>{@code W} and {@code c} start at zero (the path starts silent, so a model trained without it keeps its
 * predictions when the path is added); the directions {@code u} start random so that {@code W} has a
 * gradient. Image samples (joint image-video batches) use frame 0's maps on every frame, like the temporal
 * position embedding.
 */
public final class TextLayout extends AbstractBlock {

  /** Initial standard deviation of the directions u. */
  static final float DIRECTION_INIT_STD = 0.1f;

  private final int rank;
  private final int maxFrames;
  private final int maxHeight;
  private final int maxWidth;
  private final Parameter weight;
  private final Parameter bias;
  private final Parameter directions;

  /**
   * @param textDim Dt, width of the pooled caption
   * @param rank r, number of maps
   * @param maxFrames largest T (latent frames)
   * @param maxHeight largest H in tokens
   * @param maxWidth largest W in tokens
   * @param dim D, token width
   */
  public TextLayout(int textDim, int rank, int maxFrames, int maxHeight, int maxWidth, int dim) {
    if (rank < 1) {
      throw new IllegalArgumentException("rank must be >= 1: " + rank);
    }
    this.rank = rank;
    this.maxFrames = maxFrames;
    this.maxHeight = maxHeight;
    this.maxWidth = maxWidth;
    long cells = (long) rank * maxFrames * maxHeight * maxWidth;
    this.weight =
        addParameter(
            Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(textDim, cells))
                .optInitializer(Initializer.ZEROS)
                .build());
    this.bias =
        addParameter(
            Parameter.builder()
                .setName("bias")
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(cells))
                .optInitializer(Initializer.ZEROS)
                .build());
    this.directions =
        addParameter(
            Parameter.builder()
                .setName("directions")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(rank, dim))
                .optInitializer(new NormalInitializer(DIRECTION_INIT_STD))
                .build());
  }

  /**
   * Adds the caption's layout to the tokens.
   *
   * @param x tokens (B, T, H, W, D)
   * @param pooled the pooled caption (B, Dt)
   * @param imageSet per sample whether its frames are independent images, or null
   * @return (B, T, H, W, D)
   */
  public NDArray forward(
      ParameterStore store, NDArray x, NDArray pooled, boolean @Nullable [] imageSet, boolean training) {
    NDManager manager = x.getManager();
    Shape s = x.getShape();
    long b = s.get(0);
    long t = s.get(1);
    long h = s.get(2);
    long w = s.get(3);
    long d = s.get(4);
    if (t > maxFrames || h > maxHeight || w > maxWidth) {
      throw new IllegalArgumentException(
          "latent token grid " + t + "x" + h + "x" + w + " exceeds the layout maps " + maxFrames + "x" + maxHeight
              + "x" + maxWidth);
    }
    NDArray maps =
        pooled
            .matMul(store.getValue(weight, x.getDevice(), training))
            .add(store.getValue(bias, x.getDevice(), training))
            .reshape(b, rank, maxFrames, maxHeight, maxWidth)
            .get(manager, new NDIndex(":, :, :{}, :{}, :{}", t, h, w)); // (B, r, T, H, W)
    maps = PositionEmbedding.firstFrameForImages(maps, 2, b, imageSet);
    NDArray u = store.getValue(directions, x.getDevice(), training); // (r, D)
    NDArray added = maps.transpose(0, 2, 3, 4, 1).reshape(b * t * h * w, rank).matMul(u).reshape(b, t, h, w, d);
    return x.add(added);
  }

  public int rank() {
    return rank;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
    return new NDList(forward(store, inputs.get(0), inputs.get(1), null, training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
