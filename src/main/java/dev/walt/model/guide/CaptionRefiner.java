package dev.walt.model.guide;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import dev.walt.model.CaptionRefinerConfig;
import dev.walt.model.diffusion.FrameRefiner;
import dev.walt.model.diffusion.TextConditioning;
import dev.walt.model.nn.CausalConv3d;
import dev.walt.model.nn.FixedShapeBlock;
import dev.walt.model.nn.Ops;
import dev.walt.model.transformer.Dense;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Redraws a first stage's decoded video so that it shows what its caption says (not in the W.A.L.T paper): a small
 * per-frame U-Net whose coarsest features are modulated by the caption, its output added to the frames.
 *
 * <pre>
 *   g   = silu(W_g * sum_k softmax_k(tokens_k . q) tokens_k)                the caption, pooled by attention
 *   e0  = silu(in(x))                                   C channels,  H x W
 *   e1  = silu(down1(e0))                               2C,          H/2 x W/2   (stride 2)
 *   h   = silu(down2(e1))                               2C,          H/4 x W/4   (stride 2)
 *   h   = h + block_i(silu(FiLM_i(g)(h)))               i = 1 .. layers
 *   u   = silu(up1(nearest2(h) + e1))                   C,           H/2 x W/2
 *   x'  = x + out(nearest2(u) + e0)                     3,           H x W
 * </pre>
 *
 * Every convolution is 3 x 3 and per frame, so frame t of the output depends on frame t of the input and the
 * caption only. At the coarsest level an output pixel sees about 8 (layers + 2) pixels across, a whole object of
 * walt-tiny's world at 64 px (about 16 pixels). The output convolution starts at zero, so an untrained refiner
 * returns its input.
 *
 * <p>Why: the base stage learns colour, place and motion from a loss spread over the whole object, but the outline
 * that tells a square from a disc is a few percent of its latent, and after every CPU run so far it draws the
 * average of the shapes, a ragged blob, where the caption asks for a square ({@code docs/training.md}). Drawing a
 * given shape over a given blob, at its place, size and colour, is a far narrower task than denoising, and in
 * pixels the outline is large and sharp. {@code train --stage base --caption-refiner} trains it alone on frames
 * the world renders exactly: the same scene in each shape, the input a mixture of them.
 *
 * <p>Parameters: {@code query} (Dt), {@code text.*}, {@code in.*}, {@code down1.*}, {@code down2.*}, {@code
 * film<i>.*}, {@code block<i>.*}, {@code up1.*}, {@code out.*}.
 */
public final class CaptionRefiner extends FixedShapeBlock implements FrameRefiner {

  private static final int[] KERNEL = {1, 3, 3};
  private static final int[] STRIDE_1 = {1, 1, 1};
  private static final int[] STRIDE_2 = {1, 2, 2};

  private final CaptionRefinerConfig config;
  private final int textDim;
  private final Parameter query;
  private final Dense text;
  private final CausalConv3d in;
  private final CausalConv3d down1;
  private final CausalConv3d down2;
  private final List<Dense> films = new ArrayList<>();
  private final List<CausalConv3d> blocks = new ArrayList<>();
  private final CausalConv3d up1;
  private final CausalConv3d out;

  /**
   * @param config C (the full-resolution width; the coarser levels have 2C) and the number of caption-modulated
   *     blocks at the coarsest level
   * @param textDim Dt of the text encoder's tokens
   */
  public CaptionRefiner(CaptionRefinerConfig config, int textDim) {
    this.config = config;
    this.textDim = textDim;
    int c = config.channels();
    int d = 2 * c;
    query = addParameter(Parameter.builder().setName("query").setType(Parameter.Type.WEIGHT)
        .optShape(new Shape(textDim)).optInitializer(new NormalInitializer(0.02f)).build());
    text = addChildBlock("text", new Dense(textDim, d));
    in = addChildBlock("in", new CausalConv3d(3, c, KERNEL, STRIDE_1));
    down1 = addChildBlock("down1", new CausalConv3d(c, d, KERNEL, STRIDE_2));
    down2 = addChildBlock("down2", new CausalConv3d(d, d, KERNEL, STRIDE_2));
    for (int i = 1; i <= config.layers(); i++) {
      films.add(addChildBlock("film" + i, new Dense(d, 2 * d, true, new NormalInitializer(0.02f))));
      blocks.add(addChildBlock("block" + i, new CausalConv3d(d, d, KERNEL, STRIDE_1)));
    }
    up1 = addChildBlock("up1", new CausalConv3d(d, c, KERNEL, STRIDE_1));
    out = addChildBlock("out", new CausalConv3d(c, 3, KERNEL, STRIDE_1));
  }

  public CaptionRefinerConfig config() {
    return config;
  }

  /** Sets the output convolution to zero, so that the refiner returns its input (after initialising). */
  public void zeroOutput() {
    for (var pair : out.getParameters()) {
      pair.getValue().getArray().muli(0);
    }
  }

  /**
   * The refined video.
   *
   * @param video frames (B, 3, T, H, W) in [-1, 1], H and W multiples of 4
   * @param tokens its caption's tokens (B, K, Dt)
   * @param mask 1 for a real token (B, K), or null for all
   * @return (B, 3, T, H, W)
   */
  public NDArray refine(ParameterStore store, NDArray video, NDArray tokens, @Nullable NDArray mask,
      boolean training) {
    Shape s = video.getShape();
    if (s.dimension() != 5 || s.get(1) != 3 || s.get(3) % 4 != 0 || s.get(4) % 4 != 0) {
      throw new IllegalArgumentException("the video must be (B, 3, T, H, W) with H and W multiples of 4, got " + s);
    }
    if (tokens.getShape().dimension() != 3 || tokens.getShape().get(0) != s.get(0)
        || tokens.getShape().get(2) != textDim) {
      throw new IllegalArgumentException(
          "tokens must be (" + s.get(0) + ", K, " + textDim + "), got " + tokens.getShape());
    }
    long batch = s.get(0);
    int d = 2 * config.channels();
    NDArray g = Ops.silu(text.forward(store,
        CaptionGuide.attentionPool(tokens, value(store, query, tokens, training, textDim, 1), mask), training));
    NDArray e0 = Ops.silu(in.forward(store, video, training));
    NDArray e1 = Ops.silu(down1.forward(store, e0, training));
    NDArray h = Ops.silu(down2.forward(store, e1, training));
    for (int i = 0; i < blocks.size(); i++) {
      NDArray m = films.get(i).forward(store, g, training).reshape(batch, 2 * d, 1, 1, 1);
      NDArray x = Ops.silu(h.mul(m.get(":, :" + d).add(1)).add(m.get(":, " + d + ":")));
      h = h.add(blocks.get(i).forward(store, x, training));
    }
    NDArray u = Ops.silu(up1.forward(store, nearest2(h).add(e1), training));
    return video.add(out.forward(store, nearest2(u).add(e0), training));
  }

  /** Each pixel repeated 2 x 2 (nearest-neighbour upsampling of H and W). */
  private static NDArray nearest2(NDArray x) {
    return x.repeat(3, 2).repeat(4, 2);
  }

  /** The config's {@code passes} of the refiner, each on the output of the one before. */
  @Override
  public NDArray refine(NDArray video, TextConditioning caption) {
    ParameterStore store = new ParameterStore(video.getManager(), false);
    NDArray refined = video;
    for (int pass = 0; pass < config.passes(); pass++) {
      refined = refine(store, refined, caption.tokens(), caption.mask(), false);
    }
    return refined;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
    return new NDList(refine(store, inputs.get(0), inputs.get(1), inputs.size() > 2 ? inputs.get(2) : null, training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
