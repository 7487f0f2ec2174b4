package dev.walt.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import dev.walt.model.diffusion.Denoiser;
import dev.walt.model.diffusion.DenoiserInput;
import dev.walt.model.nn.LayerNorm;
import dev.walt.model.nn.Ops;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The W.A.L.T denoiser (arXiv 2312.06662, section 3): a window-attention transformer over latent
 * patches that predicts the diffusion velocity v.
 *
 * <pre>
 *   [x_t | x0_prev | frames, mask | upsample(low-res)]  (B, Cin, T, H, W)
 *     -> patch embedding + position embeddings         (B, T, H/p, W/p, D)
 *        (+ the caption's layout maps, when textLayoutRank > 0)
 *     -> L blocks, even: spatial + text, odd: spatiotemporal, AdaLN-LoRA from timestep (+ noise level)
 *        (+ mean text token, when pooledText)
 *     -> final AdaLN + linear, unpatchify              (B, C, T, H, W)  = v
 * </pre>
 *
 * <p>Children (parameter names are hierarchical, DJL style: {@code <nn><child>_..._<param>}):
 * {@code patchEmbed}, {@code lowResUpsampler} (super-resolution), {@code positions}, {@code timeEmbed},
 * {@code noiseLevelEmbed} (super-resolution), {@code textProjection} (text models), {@code textPool}
 * (pooledText), {@code textLayout} (textLayoutRank > 0), {@code adaLnLora},
 * {@code block0} .. {@code block<L-1>}, {@code finalLayer}. Output and gates start at zero (DiT's
 * adaLN-Zero), so a freshly initialised model returns v = 0.
 *
 * <p>Per-call arrays live on the input's manager; parameters on the model's. Not thread-safe.
 */
public final class WaltTransformer extends AbstractBlock implements Denoiser {

  private final TransformerConfig config;
  private final PatchEmbedding patchEmbed;
  private final @Nullable DepthToSpaceUpsampler lowResUpsampler;
  private final PositionEmbedding positions;
  private final TimestepEmbedding timeEmbed;
  private final @Nullable TimestepEmbedding noiseLevelEmbed;
  private final @Nullable Dense textProjection;
  private final @Nullable Dense textPool;
  private final @Nullable TextLayout textLayout;
  private final AdaLnLora adaLnLora;
  private final List<WaltBlock> blocks;
  private final FinalLayer finalLayer;

  /** An uninitialised model; call {@link #initialize(NDManager, DataType, Shape...)} or {@link #create}. */
  public WaltTransformer(TransformerConfig config) {
    this.config = config;
    int d = config.hiddenSize();
    int p = config.patchSize();
    this.patchEmbed = addChildBlock("patchEmbed", new PatchEmbedding(config.inputChannels(), p, d));
    this.lowResUpsampler =
        config.superResolution()
            ? addChildBlock(
                "lowResUpsampler",
                new DepthToSpaceUpsampler(config.latentChannels(), config.superResolutionFactor()))
            : null;
    this.positions =
        addChildBlock(
            "positions",
            new PositionEmbedding(
                config.maxLatentFrames(), config.maxLatentHeight() / p, config.maxLatentWidth() / p, d));
    this.timeEmbed = addChildBlock("timeEmbed", new TimestepEmbedding(d));
    this.noiseLevelEmbed = config.superResolution() ? addChildBlock("noiseLevelEmbed", new TimestepEmbedding(d)) : null;
    this.textProjection = config.textDim() > 0 ? addChildBlock("textProjection", new Dense(config.textDim(), d)) : null;
    // Zero at first, so the path starts silent (and a model trained without it keeps its outputs when the
    // path is added for further training: see TrainCommand's --init-from).
    this.textPool =
        config.pooledText() ? addChildBlock("textPool", new Dense(config.textDim(), d, true, Initializer.ZEROS)) : null;
    this.textLayout =
        config.textLayoutRank() > 0
            ? addChildBlock(
                "textLayout",
                new TextLayout(config.textDim(), config.textLayoutRank(), config.maxLatentFrames(),
                    config.maxLatentHeight() / p, config.maxLatentWidth() / p, d))
            : null;
    this.adaLnLora = addChildBlock("adaLnLora", new AdaLnLora(d, config.depth(), config.adaLnLoraRank()));
    List<WaltBlock> list = new ArrayList<>();
    for (int i = 0; i < config.depth(); i++) {
      list.add(addChildBlock("block" + i, new WaltBlock(config, i % 2 == 0)));
    }
    this.blocks = Collections.unmodifiableList(list);
    this.finalLayer = addChildBlock("finalLayer", new FinalLayer(d, p * p * config.latentChannels()));
  }

  /**
   * A model with fresh weights in fp32: the engine's random generator is seeded with {@code seed}
   * first, so the same seed gives bit-identical weights.
   */
  public static WaltTransformer create(TransformerConfig config, NDManager manager, int seed) {
    manager.getEngine().setRandomSeed(seed);
    WaltTransformer model = new WaltTransformer(config);
    model.initialize(manager, DataType.FLOAT32);
    return model;
  }

  @Override
  public NDArray predictV(DenoiserInput input) {
    return forward(new ParameterStore(input.noisy().getManager(), false), input, null);
  }

  /**
   * Predicts v.
   *
   * @param input x_t and its conditioning (see {@link DenoiserInput} for shapes)
   * @param imageSet per sample, true when its T frames are independent images (joint image-video
   *     batches): the spatiotemporal layers then use the identity mask and every frame gets the
   *     temporal embedding of frame 0. Null: every sample is a video
   * @return v, (B, C, T, H, W) on the input's manager
   */
  public NDArray forward(ParameterStore store, DenoiserInput input, boolean @Nullable [] imageSet) {
    NDArray noisy = input.noisy();
    boolean training = input.training();
    NDManager manager = noisy.getManager();
    Shape s = noisy.getShape();
    int c = config.latentChannels();
    int p = config.patchSize();
    if (s.dimension() != 5 || s.get(1) != c || s.get(3) % p != 0 || s.get(4) % p != 0) {
      throw new IllegalArgumentException(
          "noisy latent must be (B, " + c + ", T, H, W) with H and W multiples of " + p + ", got " + s);
    }
    long b = s.get(0);
    long t = s.get(2);
    long h = s.get(3);
    long w = s.get(4);
    if (imageSet != null && imageSet.length != b) {
      throw new IllegalArgumentException("imageSet has " + imageSet.length + " flags for a batch of " + b);
    }

    // Inputs concatenated on the channel axis: (B, Cin, T, H, W).
    NDList channels = new NDList(noisy);
    if (config.selfConditioning()) {
      channels.add(input.selfCondition() != null ? input.selfCondition() : manager.zeros(s, noisy.getDataType()));
    }
    if (config.frameConditioning()) {
      channels.add(input.frameCondition() != null ? input.frameCondition() : manager.zeros(s, noisy.getDataType()));
      Shape maskShape = new Shape(b, 1, t, h, w);
      channels.add(
          input.frameMask() != null
              ? input.frameMask().toType(noisy.getDataType(), false).reshape(b, 1, t, 1, 1).broadcast(maskShape)
              : manager.zeros(maskShape, noisy.getDataType()));
    }
    if (lowResUpsampler != null) {
      if (input.lowRes() == null) {
        throw new IllegalArgumentException("a super-resolution stage needs the low-resolution latent");
      }
      NDArray upsampled = lowResUpsampler.forward(store, input.lowRes(), training);
      if (!upsampled.getShape().equals(s)) {
        throw new IllegalArgumentException(
            "low-resolution latent " + input.lowRes().getShape() + " upsampled by " + lowResUpsampler.factor()
                + " gives " + upsampled.getShape() + ", expected " + s);
      }
      channels.add(upsampled);
    }
    NDArray inputs = channels.size() == 1 ? noisy : NDArrays.concat(channels, 1);

    NDArray x = patchEmbed.forward(store, inputs, training); // (B, T, H/p, W/p, D)
    x = positions.forward(store, x, imageSet, training);

    NDArray condition = timeEmbed.forward(store, input.timesteps(), training); // (B, D)
    if (noiseLevelEmbed != null) {
      NDArray level = input.noiseLevel() != null ? input.noiseLevel() : manager.zeros(new Shape(b));
      condition = condition.add(noiseLevelEmbed.forward(store, Ops.mul(level, 1000), training));
    }
    NDArray text = null;
    NDArray textMask = null;
    if (input.text() != null) {
      if (textProjection == null) {
        throw new IllegalArgumentException("this model has no text conditioning (textDim 0) but text was given");
      }
      if (input.text().getShape().get(2) != config.textDim()) {
        throw new IllegalArgumentException(
            "text tokens must be (B, K, " + config.textDim() + "), got " + input.text().getShape());
      }
      NDArray normalized = LayerNorm.normalize(input.text());
      text = textProjection.forward(store, normalized, training); // (B, K, D)
      textMask = input.textMask();
      NDArray pooled = textPool != null || textLayout != null ? maskedMean(normalized, textMask) : null;
      if (textPool != null) {
        condition = condition.add(textPool.forward(store, pooled, training));
      }
      if (textLayout != null) {
        x = textLayout.forward(store, x, pooled, imageSet, training);
      }
    }

    NDArray activated = condition.mul(Activation.sigmoid(condition)); // SiLU
    NDArray modulations = adaLnLora.forward(store, activated, training); // (L, B, 6D)

    for (int i = 0; i < blocks.size(); i++) {
      x = blocks.get(i).forward(store, x, modulations.get(i), text, textMask, imageSet, training);
    }

    NDArray out = finalLayer.forward(store, x, activated, training); // (B, T, H/p, W/p, p*p*C)
    long hp = h / p;
    long wp = w / p;
    if (p == 1) {
      return out.transpose(0, 4, 1, 2, 3); // (B, T, H, W, C) -> (B, C, T, H, W)
    }
    // (B, T, H/p, W/p, p*p*C) -> (B, T, H/p, W/p, p, p, C) -> (B, C, T, H/p, p, W/p, p) -> (B, C, T, H, W)
    return out.reshape(b, t, hp, wp, p, p, c).transpose(0, 6, 1, 2, 4, 3, 5).reshape(b, c, t, h, w);
  }

  /** The mean of the text tokens over the real ones: (B, K, Dt) with mask (B, K), or all K without one. */
  private static NDArray maskedMean(NDArray tokens, @Nullable NDArray mask) {
    if (mask == null) {
      return tokens.mean(new int[] {1});
    }
    NDArray m = mask.toType(tokens.getDataType(), false);
    long b = m.getShape().get(0);
    NDArray counts = Ops.maximum(m.sum(new int[] {1}, true), 1); // (B, 1): an all-padding row gives zeros
    return tokens.mul(m.reshape(b, -1, 1)).sum(new int[] {1}).div(counts);
  }

  /**
   * Analytic FLOPs of one forward pass (see {@link FlopCount#of}).
   *
   * @param batch B
   * @param frames T (latent frames)
   * @param height H (latent cells)
   * @param width W (latent cells)
   * @param textTokens K (0 without text)
   */
  public FlopCount flops(int batch, int frames, int height, int width, int textTokens) {
    return FlopCount.of(config, batch, frames, height, width, textTokens);
  }

  public TransformerConfig config() {
    return config;
  }

  public List<WaltBlock> blocks() {
    return blocks;
  }

  public AdaLnLora adaLnLora() {
    return adaLnLora;
  }

  /** Number of scalar parameters. */
  public long parameterCount() {
    long total = 0;
    for (var parameter : getParameters().values()) {
      total += parameter.getShape().size();
    }
    return total;
  }

  /**
   * DJL entry point. Inputs: {@code [noisy, timesteps]} followed by any of the optional arrays of
   * {@link DenoiserInput}, each identified by its name ({@link NDArray#setName}): {@code selfCondition},
   * {@code text}, {@code textMask}, {@code frameCondition}, {@code frameMask}, {@code lowRes},
   * {@code noiseLevel}.
   */
  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
    NDArray selfCondition = null;
    NDArray text = null;
    NDArray textMask = null;
    NDArray frameCondition = null;
    NDArray frameMask = null;
    NDArray lowRes = null;
    NDArray noiseLevel = null;
    for (int i = 2; i < inputs.size(); i++) {
      NDArray a = inputs.get(i);
      String name = a.getName() == null ? "" : a.getName();
      switch (name) {
        case "selfCondition" -> selfCondition = a;
        case "text" -> text = a;
        case "textMask" -> textMask = a;
        case "frameCondition" -> frameCondition = a;
        case "frameMask" -> frameMask = a;
        case "lowRes" -> lowRes = a;
        case "noiseLevel" -> noiseLevel = a;
        default -> throw new IllegalArgumentException("unnamed or unknown optional input '" + name + "'");
      }
    }
    DenoiserInput input =
        new DenoiserInput(
            inputs.get(0), inputs.get(1), selfCondition, text, textMask, frameCondition, frameMask, lowRes,
            noiseLevel, training);
    return new NDList(forward(store, input, null));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    for (var child : getChildren().values()) {
      child.initialize(manager, dataType, inputShapes);
    }
  }
}
