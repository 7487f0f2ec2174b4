package dev.walt.model.guide;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import dev.walt.model.GuideConfig;
import dev.walt.model.diffusion.LatentGuide;
import dev.walt.model.diffusion.TextConditioning;
import dev.walt.model.nn.CausalConv3d;
import dev.walt.model.nn.FixedShapeBlock;
import dev.walt.model.nn.Ops;
import dev.walt.model.transformer.Dense;
import dev.walt.model.transformer.TimestepEmbedding;
import org.jspecify.annotations.Nullable;

/**
 * Scores how well a noisy latent x_t shows its caption, and guides sampling with the score's gradient (not in
 * the W.A.L.T paper: GLIDE's guidance by a model trained on noised inputs, Nichol et al. 2022, section 3.2,
 * with a small critic of our own in place of CLIP).
 *
 * <pre>
 *   h(x_t, t) = mean over positions of conv3(silu(conv2(silu(conv1(silu(FiLM_t(conv0(x_t))))))))   (B, C)
 *   g(text)   = W * sum_k softmax_k(tokens_k . q) tokens_k                                           (B, C)
 *   score     = h . g / sqrt(C)
 * </pre>
 *
 * conv0 is a 3 x 3 x 3 causal convolution at the latent's size, conv1 and conv2 halve the height and width,
 * conv3 is 1 x 1 x 1; FiLM_t scales and shifts conv0's channels by an embedding of the timestep; the caption
 * is pooled by attention with one learned query {@code q} over the text encoder's tokens, so the guide can
 * weigh the word it needs above the others.
 *
 * <p>It is trained ({@code train --stage base --guide}, {@code GuideObjective}) as a contrastive critic whose
 * negatives include the same scene with the object in another shape, so that {@code grad_x score} points from
 * what the other shapes would look like towards the caption's. The denoiser learns colour, place and motion from
 * the loss over the whole object, but the outline that tells a square from a disc is a few percent of the
 * latent's positions, and the base stage draws the average of the shapes long after it has learned the rest (see
 * {@code docs/training.md}).
 *
 * <p>Parameters: {@code time.*}, {@code film.*}, {@code conv0..conv3.*}, {@code query} (Dt), {@code text.*}.
 */
public final class CaptionGuide extends FixedShapeBlock implements LatentGuide {

  private final GuideConfig config;
  private final int textDim;
  private final TimestepEmbedding time;
  private final Dense film;
  private final CausalConv3d conv0;
  private final CausalConv3d conv1;
  private final CausalConv3d conv2;
  private final CausalConv3d conv3;
  private final Parameter query;
  private final Dense text;

  /**
   * @param config width and sampling scale
   * @param latentChannels c of the latents it reads
   * @param textDim Dt of the text encoder's tokens
   */
  public CaptionGuide(GuideConfig config, int latentChannels, int textDim) {
    this.config = config;
    this.textDim = textDim;
    int c = config.channels();
    time = addChildBlock("time", new TimestepEmbedding(c));
    film = addChildBlock("film", new Dense(c, 2 * c, true, new NormalInitializer(0.02f)));
    conv0 = addChildBlock("conv0", CausalConv3d.cube(latentChannels, c, 3));
    conv1 = addChildBlock("conv1", new CausalConv3d(c, c, new int[] {3, 3, 3}, new int[] {1, 2, 2}));
    conv2 = addChildBlock("conv2", new CausalConv3d(c, c, new int[] {3, 3, 3}, new int[] {1, 2, 2}));
    conv3 = addChildBlock("conv3", CausalConv3d.cube(c, c, 1));
    query = addParameter(Parameter.builder().setName("query").setType(Parameter.Type.WEIGHT)
        .optShape(new Shape(textDim)).optInitializer(new NormalInitializer(0.02f)).build());
    text = addChildBlock("text", new Dense(textDim, c));
  }

  public GuideConfig config() {
    return config;
  }

  @Override
  public double scale() {
    return config.scale();
  }

  /**
   * The score of each sample: {@code latentFeatures(x_t, t) . captionFeatures(tokens) / sqrt(C)}.
   *
   * @param noisy x_t (B, c, T, H, W)
   * @param timesteps t (B)
   * @param tokens the caption's tokens (B, K, Dt)
   * @param mask 1 for a real token (B, K), or null for all
   * @return (B)
   */
  public NDArray score(
      ParameterStore store, NDArray noisy, NDArray timesteps, NDArray tokens, @Nullable NDArray mask,
      boolean training) {
    long batch = noisy.getShape().get(0);
    if (tokens.getShape().get(0) != batch) {
      throw new IllegalArgumentException("tokens must be (" + batch + ", K, " + textDim + "), got " + tokens.getShape());
    }
    NDArray h = latentFeatures(store, noisy, timesteps, training);
    NDArray g = captionFeatures(store, tokens, mask, training);
    return h.mul(g).sum(new int[] {1}).div((float) Math.sqrt(config.channels()));
  }

  /**
   * The scores of every caption against every latent: {@code (captions . latents^T) / sqrt(C)}.
   *
   * @param latents {@link #latentFeatures} (N, C)
   * @param captions {@link #captionFeatures} (M, C)
   * @return (M, N)
   */
  public NDArray scores(NDArray latents, NDArray captions) {
    return captions.matMul(latents.transpose()).div((float) Math.sqrt(config.channels()));
  }

  /**
   * The latent side h(x_t, t).
   *
   * @param noisy x_t (N, c, T, H, W)
   * @param timesteps t (N)
   * @return (N, C)
   */
  public NDArray latentFeatures(ParameterStore store, NDArray noisy, NDArray timesteps, boolean training) {
    long batch = noisy.getShape().get(0);
    int c = config.channels();
    NDArray modulation = film.forward(store, Ops.silu(time.forward(store, timesteps, training)), training)
        .reshape(batch, 2 * c, 1, 1, 1);
    NDArray h = conv0.forward(store, noisy, training);
    h = h.mul(modulation.get(":, :" + c).add(1)).add(modulation.get(":, " + c + ":"));
    h = Ops.silu(conv1.forward(store, Ops.silu(h), training));
    h = Ops.silu(conv2.forward(store, h, training));
    return conv3.forward(store, h, training).reshape(batch, c, -1).mean(new int[] {2});
  }

  /**
   * The caption side g(text): the tokens pooled by attention with the learned query, projected.
   *
   * @param tokens (M, K, Dt)
   * @param mask 1 for a real token (M, K), or null for all
   * @return (M, C)
   */
  public NDArray captionFeatures(ParameterStore store, NDArray tokens, @Nullable NDArray mask, boolean training) {
    if (tokens.getShape().dimension() != 3 || tokens.getShape().get(2) != textDim) {
      throw new IllegalArgumentException("tokens must be (M, K, " + textDim + "), got " + tokens.getShape());
    }
    return text.forward(store, attentionPool(tokens, value(store, query, tokens, training, textDim, 1), mask),
        training);
  }

  /**
   * Tokens pooled by attention with one query: {@code sum_k softmax_k(tokens_k . q) tokens_k}, padding left out.
   *
   * @param tokens (M, K, Dt)
   * @param query q (Dt, 1)
   * @param mask 1 for a real token (M, K), or null for all
   * @return (M, Dt)
   */
  static NDArray attentionPool(NDArray tokens, NDArray query, @Nullable NDArray mask) {
    NDArray logits = tokens.matMul(query).reshape(tokens.getShape().get(0), -1); // (M, K)
    if (mask != null) {
      logits = logits.add(mask.toType(logits.getDataType(), false).sub(1).mul(1e4f));
    }
    return tokens.mul(logits.softmax(1).expandDims(2)).sum(new int[] {1});
  }

  /**
   * {@code grad_x score(x_t, t, text)}, computed with autograd whatever the caller's gradient mode. PyTorch's
   * gradient mode is per thread and the backward pass is called directly (not through DJL's {@code
   * GradientCollector}, of which only one may exist in a process at a time), so workers can guide at once.
   */
  @Override
  public NDArray gradient(NDArray noisy, int timestep, TextConditioning caption) {
    NDManager manager = noisy.getManager();
    boolean previous = JniUtils.isGradMode();
    try (NDManager scope = manager.newSubManager()) {
      JniUtils.setGradMode(true);
      NDArray x = noisy.duplicate();
      x.attach(scope);
      x.setRequiresGradient(true);
      NDArray t = scope.full(new Shape(x.getShape().get(0)), (float) timestep);
      NDArray total = score(new ParameterStore(scope, false), x, t, caption.tokens(), caption.mask(), false).sum();
      JniUtils.backward((PtNDArray) total, (PtNDArray) scope.ones(total.getShape()), false, false);
      JniUtils.setGradMode(false);
      NDArray gradient = x.getGradient().duplicate();
      gradient.attach(manager);
      return gradient;
    } finally {
      JniUtils.setGradMode(previous);
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
    return new NDList(score(store, inputs.get(0), inputs.get(1), inputs.get(2),
        inputs.size() > 3 ? inputs.get(3) : null, training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0))};
  }
}
