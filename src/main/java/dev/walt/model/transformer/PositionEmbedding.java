package dev.walt.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import org.jspecify.annotations.Nullable;

/**
 * Learnable absolute position embeddings (W.A.L.T section 3.2): a spatial table {@code spatial} (H, W,
 * D) and a temporal table {@code temporal} (T, D), summed; an input smaller than the tables uses their
 * leading rows. Frames of an image set are independent images, so each gets the temporal embedding of
 * frame 0, exactly like a one-frame latent.
 */
public final class PositionEmbedding extends AbstractBlock {

  /**
   * Standard deviation of the temporal table's initial values: large enough that a token knows its frame from
   * the first step. With DiT's 0.02 the frame index was about 3 % of a token's norm and stayed so; the only
   * attribute of a clip that needs it is its motion (where the object is at frame k depends on the direction
   * word and on k together), so neither signal had a gradient alone and motion was never learned.
   */
  static final float TEMPORAL_INIT_STD = 0.5f;

  private final int maxFrames;
  private final int maxHeight;
  private final int maxWidth;
  private final Parameter spatial;
  private final Parameter temporal;

  /**
   * @param maxFrames largest T (latent frames)
   * @param maxHeight largest H in patches
   * @param maxWidth largest W in patches
   * @param dim D
   */
  public PositionEmbedding(int maxFrames, int maxHeight, int maxWidth, int dim) {
    this.maxFrames = maxFrames;
    this.maxHeight = maxHeight;
    this.maxWidth = maxWidth;
    this.spatial =
        addParameter(
            Parameter.builder()
                .setName("spatial")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(maxHeight, maxWidth, dim))
                .optInitializer(new NormalInitializer(0.02f))
                .build());
    this.temporal =
        addParameter(
            Parameter.builder()
                .setName("temporal")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(maxFrames, dim))
                .optInitializer(new NormalInitializer(TEMPORAL_INIT_STD))
                .build());
  }

  /**
   * Adds the position embeddings to tokens.
   *
   * @param x tokens (B, T, H, W, D)
   * @param imageSet per sample whether its frames are independent images, or null
   * @return (B, T, H, W, D)
   */
  public NDArray forward(ParameterStore store, NDArray x, boolean @Nullable [] imageSet, boolean training) {
    NDManager manager = x.getManager();
    Shape s = x.getShape();
    long b = s.get(0);
    long t = s.get(1);
    long h = s.get(2);
    long w = s.get(3);
    long d = s.get(4);
    if (t > maxFrames || h > maxHeight || w > maxWidth) {
      throw new IllegalArgumentException(
          "latent token grid " + t + "x" + h + "x" + w + " exceeds the position tables " + maxFrames + "x"
              + maxHeight + "x" + maxWidth);
    }
    NDArray space = store.getValue(spatial, x.getDevice(), training).get(manager, new NDIndex(":{}, :{}", h, w));
    NDArray time = store.getValue(temporal, x.getDevice(), training).get(manager, new NDIndex(":{}", t)); // (T, D)
    NDArray timeB = firstFrameForImages(time.reshape(1, t, 1, 1, d), 1, b, imageSet); // (1 or B, T, 1, 1, D)
    return x.add(space.reshape(1, 1, h, w, d)).add(timeB);
  }

  /**
   * {@code a} with the frames of every image sample (joint image-video batches) replaced by its frame 0: an image
   * set's frames are independent images, each at "frame 0".
   *
   * @param a (B or 1, ...) with the frames on {@code timeAxis}
   * @param batch B
   * @param imageSet per sample whether it is a set of images, or null
   * @return {@code a} itself without image samples; frame 0 broadcast over the frames (batch 1) when every
   *     sample is a set of images; else per sample, with batch B
   */
  static NDArray firstFrameForImages(NDArray a, int timeAxis, long batch, boolean @Nullable [] imageSet) {
    int images = 0;
    if (imageSet != null) {
      for (boolean image : imageSet) {
        images += image ? 1 : 0;
      }
    }
    if (images == 0) {
      return a;
    }
    Shape shape = a.getShape();
    NDArray first = a.get(new NDIndex(":, ".repeat(timeAxis) + "0:1")).broadcast(shape);
    if (images == batch) {
      return first;
    }
    long[] perSample = shape.getShape();
    perSample[0] = batch;
    long[] flag = new long[perSample.length];
    java.util.Arrays.fill(flag, 1);
    flag[0] = batch;
    Shape full = new Shape(perSample);
    return NDArrays.where(
        a.getManager().create(imageSet).reshape(new Shape(flag)).broadcast(full), first.broadcast(full), a.broadcast(full));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
    return new NDList(forward(store, inputs.singletonOrThrow(), null, training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
