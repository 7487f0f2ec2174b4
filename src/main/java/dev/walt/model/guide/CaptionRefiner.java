package dev.walt.model.guide;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import dev.walt.model.RefinerConfig;
import dev.walt.model.diffusion.LatentRefiner;
import dev.walt.model.diffusion.TextConditioning;
import dev.walt.model.nn.CausalConv3d;
import dev.walt.model.nn.FixedShapeBlock;
import dev.walt.model.nn.Ops;
import dev.walt.model.transformer.Dense;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Redraws a first stage's sampled latent so that it shows what its caption says (not in the W.A.L.T paper): a
 * small convolutional network on the clean latent, its features modulated by the caption, whose output is added
 * to the latent.
 *
 * <pre>
 *   g        = W_g * sum_k softmax_k(tokens_k . q) tokens_k            the caption, pooled by attention (B, C)
 *   h_0      = conv_0(z)
 *   h_i      = h_{i-1} + conv_i(silu(FiLM_i(g)(h_{i-1})))              i = 1 .. layers - 2
 *   z'       = z + conv_last(silu(h_{layers-2}))
 * </pre>
 *
 * Every convolution is a 3 x 3 x 3 causal one at the latent's size, so an output position sees 2 * layers + 1
 * positions across (11 at 5 layers: a whole object of walt-tiny's world, which covers about 4 x 4 positions of
 * the base stage's latent), and a latent frame sees only itself and the frames before it. The last convolution
 * starts at zero, so an untrained refiner returns its input.
 *
 * <p>Why: the base stage learns colour, place and motion from a loss spread over the whole object, but the
 * outline that tells a square from a disc is a few percent of the latent's positions, and after every CPU run so
 * far the base draws the average of the shapes, a ragged blob, where the caption asks for a square (see {@code
 * docs/training.md}). Drawing a given shape at a given blob's place, size and colour is a far narrower task than
 * denoising, and a network trained on it alone ({@code train --stage base --caption-refiner}) learns it from
 * pairs the world renders exactly: the same scene in each shape.
 *
 * <p>Parameters: {@code query} (Dt), {@code text.*}, {@code film<i>.*}, {@code conv<i>.*}.
 */
public final class CaptionRefiner extends FixedShapeBlock implements LatentRefiner {

  private final RefinerConfig config;
  private final int latentChannels;
  private final int textDim;
  private final Parameter query;
  private final Dense text;
  private final List<Dense> films = new ArrayList<>();
  private final List<CausalConv3d> convs = new ArrayList<>();

  /**
   * @param config width and number of convolutions
   * @param latentChannels c of the latents it refines
   * @param textDim Dt of the text encoder's tokens
   */
  public CaptionRefiner(RefinerConfig config, int latentChannels, int textDim) {
    this.config = config;
    this.latentChannels = latentChannels;
    this.textDim = textDim;
    int c = config.channels();
    query = addParameter(Parameter.builder().setName("query").setType(Parameter.Type.WEIGHT)
        .optShape(new Shape(textDim)).optInitializer(new NormalInitializer(0.02f)).build());
    text = addChildBlock("text", new Dense(textDim, c));
    for (int i = 0; i < config.layers(); i++) {
      int in = i == 0 ? latentChannels : c;
      int out = i == config.layers() - 1 ? latentChannels : c;
      convs.add(addChildBlock("conv" + i, CausalConv3d.cube(in, out, 3)));
      if (i > 0 && i < config.layers() - 1) {
        films.add(addChildBlock("film" + i, new Dense(c, 2 * c, true, new NormalInitializer(0.02f))));
      }
    }
  }

  public RefinerConfig config() {
    return config;
  }

  /** Sets the output convolution to zero, so that the refiner returns its input (after initialising). */
  public void zeroOutput() {
    for (var pair : convs.get(convs.size() - 1).getParameters()) {
      pair.getValue().getArray().muli(0);
    }
  }

  /**
   * The refined latent.
   *
   * @param latent a clean latent z (B, c, T, H, W)
   * @param tokens its caption's tokens (B, K, Dt)
   * @param mask 1 for a real token (B, K), or null for all
   * @return z' (B, c, T, H, W)
   */
  public NDArray refine(
      ParameterStore store, NDArray latent, NDArray tokens, @Nullable NDArray mask, boolean training) {
    Shape s = latent.getShape();
    if (s.dimension() != 5 || s.get(1) != latentChannels) {
      throw new IllegalArgumentException("the latent must be (B, " + latentChannels + ", T, H, W), got " + s);
    }
    if (tokens.getShape().dimension() != 3 || tokens.getShape().get(0) != s.get(0)
        || tokens.getShape().get(2) != textDim) {
      throw new IllegalArgumentException(
          "tokens must be (" + s.get(0) + ", K, " + textDim + "), got " + tokens.getShape());
    }
    long batch = s.get(0);
    int c = config.channels();
    NDArray g = Ops.silu(text.forward(store,
        CaptionGuide.attentionPool(tokens, value(store, query, tokens, training, textDim, 1), mask), training));
    NDArray h = convs.get(0).forward(store, latent, training);
    for (int i = 1; i < config.layers() - 1; i++) {
      NDArray m = films.get(i - 1).forward(store, g, training).reshape(batch, 2 * c, 1, 1, 1);
      NDArray x = Ops.silu(h.mul(m.get(":, :" + c).add(1)).add(m.get(":, " + c + ":")));
      h = h.add(convs.get(i).forward(store, x, training));
    }
    return latent.add(convs.get(config.layers() - 1).forward(store, Ops.silu(h), training));
  }

  @Override
  public NDArray refine(NDArray latent, TextConditioning caption) {
    return refine(new ParameterStore(latent.getManager(), false), latent, caption.tokens(), caption.mask(), false);
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
