package dev.walt.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.jspecify.annotations.Nullable;

/**
 * Cuts the (channel-concatenated) latent inputs into non-overlapping p x p spatial patches, one frame
 * deep, and projects each patch to D: equivalent to a Conv3d with kernel = stride = (1, p, p) whose
 * weight is {@code proj.weight} reshaped to (D, Cin, 1, p, p).
 */
public final class PatchEmbedding extends AbstractBlock {

  private final int inputChannels;
  private final int patch;
  private final Dense proj;

  /**
   * @param inputChannels Cin
   * @param patch p
   * @param dim D
   */
  public PatchEmbedding(int inputChannels, int patch, int dim) {
    this.inputChannels = inputChannels;
    this.patch = patch;
    this.proj = addChildBlock("proj", new Dense(inputChannels * patch * patch, dim));
  }

  /**
   * @param x (B, Cin, T, H, W), H and W multiples of p
   * @return tokens (B, T, H/p, W/p, D)
   */
  public NDArray forward(ParameterStore store, NDArray x, boolean training) {
    Shape s = x.getShape();
    long b = s.get(0);
    long t = s.get(2);
    long hp = s.get(3) / patch;
    long wp = s.get(4) / patch;
    NDArray patches;
    if (patch == 1) {
      patches = x.transpose(0, 2, 3, 4, 1); // (B, Cin, T, H, W) -> (B, T, H, W, Cin)
    } else {
      // (B, Cin, T, H, W) -> (B, Cin, T, H/p, p, W/p, p) -> (B, T, H/p, W/p, Cin, p, p) -> (B, T, H/p, W/p, Cin*p*p)
      patches =
          x.reshape(b, inputChannels, t, hp, patch, wp, patch)
              .transpose(0, 2, 3, 5, 1, 4, 6)
              .reshape(b, t, hp, wp, (long) inputChannels * patch * patch);
    }
    return proj.forward(store, patches, training);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
    return new NDList(forward(store, inputs.singletonOrThrow(), training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {new Shape(s.get(0), s.get(2), s.get(3) / patch, s.get(4) / patch, proj.out())};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    proj.initialize(manager, dataType, inputShapes);
  }
}
