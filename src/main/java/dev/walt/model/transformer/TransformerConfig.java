package dev.walt.model.transformer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Every size and option of the W.A.L.T transformer denoiser (arXiv 2312.06662, section 3 and table 7).
 * Plain data: it round-trips through a checkpoint's {@code config.json}. Windows are counted in tokens
 * (patches), and are clamped to the input's extent at run time (see {@link Window#fit}).
 *
 * @param latentChannels c, channels of the autoencoder's latent
 * @param patchSize p, spatial patch size on the latent (temporal patch is 1); paper default 1
 * @param depth number of transformer blocks; even blocks are spatial, odd blocks spatiotemporal
 * @param hiddenSize D, the width of every token
 * @param heads h, attention heads (D must be divisible by h)
 * @param mlpRatio MLP hidden width / D
 * @param spatialWindow window of the spatial blocks, normally {@code 1 x H' x W'} (a whole frame)
 * @param spatiotemporalWindow window of the spatiotemporal blocks, paper default {@code 5 x 8 x 8}
 * @param adaLnLoraRank r, rank of the per-layer AdaLN-LoRA corrections (0: one shared modulation)
 * @param textDim Dt, width of the text encoder's tokens; 0 for a model without text conditioning
 * @param maxLatentFrames largest T' the temporal position table covers
 * @param maxLatentHeight largest latent H' (cells, before patching) the spatial table covers
 * @param maxLatentWidth largest latent W' (cells, before patching) the spatial table covers
 * @param selfConditioning whether the previous x0 estimate is an input (c extra channels)
 * @param frameConditioning whether clean latent frames and their mask are inputs (c + 1 channels)
 * @param superResolutionFactor s, the spatial factor between the low-resolution latent and this
 *     stage's latent; 1 for a base stage. s > 1 adds the depth-to-space upsampled low-res latent (c
 *     channels) and the noise-augmentation level embedding
 * @param qkNorm normalisation of queries and keys per head
 * @param relativePositionBias whether each window adds a learned relative position bias
 * @param pooledText whether the mean of the text tokens also joins the timestep embedding that drives
 *     every block's AdaLN modulation (not in the paper, whose text reaches the video only through the
 *     spatial blocks' cross-attention): a global path for words that concern the whole clip, such as its
 *     direction of motion, into every block including the spatiotemporal ones. Needs {@code textDim > 0}
 * @param textLayoutRank r of the caption's layout maps ({@link TextLayout}, not in the paper): r maps over
 *     the latent token grid, linear in the pooled caption, added to the tokens along r learned directions
 *     (where the object is at each frame, which depends on the motion word and the frame together); 0 for
 *     none. Needs {@code textDim > 0}. A larger maximal latent changes the maps' shape
 */
public record TransformerConfig(
    int latentChannels,
    int patchSize,
    int depth,
    int hiddenSize,
    int heads,
    double mlpRatio,
    Window spatialWindow,
    Window spatiotemporalWindow,
    int adaLnLoraRank,
    int textDim,
    int maxLatentFrames,
    int maxLatentHeight,
    int maxLatentWidth,
    boolean selfConditioning,
    boolean frameConditioning,
    int superResolutionFactor,
    QkNorm qkNorm,
    boolean relativePositionBias,
    boolean pooledText,
    int textLayoutRank) {

  /** A configuration without the pooled-text path (as in the paper). */
  public TransformerConfig(
      int latentChannels, int patchSize, int depth, int hiddenSize, int heads, double mlpRatio, Window spatialWindow,
      Window spatiotemporalWindow, int adaLnLoraRank, int textDim, int maxLatentFrames, int maxLatentHeight,
      int maxLatentWidth, boolean selfConditioning, boolean frameConditioning, int superResolutionFactor,
      QkNorm qkNorm, boolean relativePositionBias) {
    this(latentChannels, patchSize, depth, hiddenSize, heads, mlpRatio, spatialWindow, spatiotemporalWindow,
        adaLnLoraRank, textDim, maxLatentFrames, maxLatentHeight, maxLatentWidth, selfConditioning, frameConditioning,
        superResolutionFactor, qkNorm, relativePositionBias, false, 0);
  }

  /** Queries/keys normalisation (Dehghani et al., 2023; Henry et al., 2020). */
  public enum QkNorm {
    /** Plain scaled dot product. */
    NONE,
    /** RMS norm of q and k per head with a learned per-channel scale, then 1/sqrt(d) scaling. */
    RMS,
    /** L2 norm of q and k per head; the cosine similarity is scaled by a learned per-head factor. */
    L2
  }

  /**
   * An attention window in tokens.
   *
   * @param frames wt
   * @param height wh
   * @param width ww
   */
  public record Window(int frames, int height, int width) {
    public Window {
      if (frames < 1 || height < 1 || width < 1) {
        throw new IllegalArgumentException("window sizes must be >= 1: " + frames + "x" + height + "x" + width);
      }
    }

    /** N, tokens per window. */
    public int tokens() {
      return frames * height * width;
    }

    /**
     * This window clamped to a token grid: each size becomes {@code min(size, extent)}. The grid must
     * then be divisible by the clamped window.
     *
     * @throws IllegalArgumentException if an extent is not a multiple of the clamped window size
     */
    public Window fit(long t, long h, long w) {
      Window fitted =
          new Window((int) Math.min(frames, t), (int) Math.min(height, h), (int) Math.min(width, w));
      if (t % fitted.frames != 0 || h % fitted.height != 0 || w % fitted.width != 0) {
        throw new IllegalArgumentException(
            "token grid " + t + "x" + h + "x" + w + " is not divisible by window " + fitted);
      }
      return fitted;
    }

    @Override
    public String toString() {
      return frames + "x" + height + "x" + width;
    }
  }

  public TransformerConfig {
    require(latentChannels >= 1, "latentChannels must be >= 1");
    require(patchSize >= 1, "patchSize must be >= 1");
    require(depth >= 1, "depth must be >= 1");
    require(heads >= 1 && hiddenSize % heads == 0, "hiddenSize must be a positive multiple of heads");
    require(mlpRatio > 0, "mlpRatio must be > 0");
    require(spatialWindow != null && spatiotemporalWindow != null, "windows are required");
    require(adaLnLoraRank >= 0, "adaLnLoraRank must be >= 0");
    require(textDim >= 0, "textDim must be >= 0");
    require(maxLatentFrames >= 1, "maxLatentFrames must be >= 1");
    require(
        maxLatentHeight % patchSize == 0 && maxLatentWidth % patchSize == 0 && maxLatentHeight > 0 && maxLatentWidth > 0,
        "max latent height and width must be positive multiples of patchSize");
    require(superResolutionFactor >= 1, "superResolutionFactor must be >= 1");
    require(qkNorm != null, "qkNorm is required");
    require(!pooledText || textDim > 0, "pooledText needs text (textDim > 0)");
    require(textLayoutRank >= 0, "textLayoutRank must be >= 0");
    require(textLayoutRank == 0 || textDim > 0, "textLayoutRank needs text (textDim > 0)");
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Width of the MLP hidden layer. */
  public int mlpHidden() {
    return (int) Math.round(hiddenSize * mlpRatio);
  }

  /** Width of one attention head. */
  public int headDim() {
    return hiddenSize / heads;
  }

  /** Whether this is a super-resolution stage. */
  public boolean superResolution() {
    return superResolutionFactor > 1;
  }

  /** Channels the patch embedding sees: x_t, then optional self-conditioning, frame conditioning and mask, low-res latent. */
  public int inputChannels() {
    int c = latentChannels;
    return c
        + (selfConditioning ? c : 0)
        + (frameConditioning ? c + 1 : 0)
        + (superResolution() ? c : 0);
  }

  /** The same model with every layer attending to the whole latent (no windows, no relative bias). */
  public TransformerConfig withFullAttention() {
    Window all = new Window(maxLatentFrames, maxLatentHeight / patchSize, maxLatentWidth / patchSize);
    return new TransformerConfig(
        latentChannels, patchSize, depth, hiddenSize, heads, mlpRatio, all, all, adaLnLoraRank, textDim,
        maxLatentFrames, maxLatentHeight, maxLatentWidth, selfConditioning, frameConditioning,
        superResolutionFactor, qkNorm, false, pooledText, textLayoutRank);
  }

  /** The same model with other windows. */
  public TransformerConfig withWindows(Window spatial, Window spatiotemporal) {
    return new TransformerConfig(
        latentChannels, patchSize, depth, hiddenSize, heads, mlpRatio, spatial, spatiotemporal, adaLnLoraRank,
        textDim, maxLatentFrames, maxLatentHeight, maxLatentWidth, selfConditioning, frameConditioning,
        superResolutionFactor, qkNorm, relativePositionBias, pooledText, textLayoutRank);
  }

  /** The same model with another width, depth and head count (benchmarks, tests). */
  public TransformerConfig withSize(int depth, int hiddenSize, int heads) {
    return new TransformerConfig(
        latentChannels, patchSize, depth, hiddenSize, heads, mlpRatio, spatialWindow, spatiotemporalWindow,
        adaLnLoraRank, textDim, maxLatentFrames, maxLatentHeight, maxLatentWidth, selfConditioning,
        frameConditioning, superResolutionFactor, qkNorm, relativePositionBias, pooledText, textLayoutRank);
  }

  /** The same model with or without the pooled-text path into the AdaLN modulation. */
  public TransformerConfig withPooledText(boolean pooled) {
    return new TransformerConfig(
        latentChannels, patchSize, depth, hiddenSize, heads, mlpRatio, spatialWindow, spatiotemporalWindow,
        adaLnLoraRank, textDim, maxLatentFrames, maxLatentHeight, maxLatentWidth, selfConditioning,
        frameConditioning, superResolutionFactor, qkNorm, relativePositionBias, pooled, textLayoutRank);
  }

  /** The same model attending to text tokens of width {@code dim} ({@code 0}: without text). */
  public TransformerConfig withTextDim(int dim) {
    return new TransformerConfig(
        latentChannels, patchSize, depth, hiddenSize, heads, mlpRatio, spatialWindow, spatiotemporalWindow,
        adaLnLoraRank, dim, maxLatentFrames, maxLatentHeight, maxLatentWidth, selfConditioning,
        frameConditioning, superResolutionFactor, qkNorm, relativePositionBias, pooledText, textLayoutRank);
  }

  /** The same model with the caption's layout maps of {@link TextLayout} ({@code rank} 0: without). */
  public TransformerConfig withTextLayout(int rank) {
    return new TransformerConfig(
        latentChannels, patchSize, depth, hiddenSize, heads, mlpRatio, spatialWindow, spatiotemporalWindow,
        adaLnLoraRank, textDim, maxLatentFrames, maxLatentHeight, maxLatentWidth, selfConditioning,
        frameConditioning, superResolutionFactor, qkNorm, relativePositionBias, pooledText, rank);
  }

  /** The same model covering a larger (or smaller) maximal latent. */
  public TransformerConfig withMaxLatent(int frames, int height, int width) {
    return new TransformerConfig(
        latentChannels, patchSize, depth, hiddenSize, heads, mlpRatio, spatialWindow, spatiotemporalWindow,
        adaLnLoraRank, textDim, frames, height, width, selfConditioning, frameConditioning,
        superResolutionFactor, qkNorm, relativePositionBias, pooledText, textLayoutRank);
  }

  // ---------------------------------------------------------------------------------------------
  // Named presets (like DiT's DiT_models). Latent sizes assume the 8x spatial / 4x temporal
  // autoencoder for the paper's stages and the 4x / 4x one for walt-tiny (WALT.md section 7).

  private static final Map<String, Supplier<TransformerConfig>> PRESETS = new LinkedHashMap<>();

  static {
    // walt-tiny base: 17 x 64 x 64 frames -> latent 5 x 16 x 16 x 8 (1,280 tokens), windows 1x16x16 and
    // 5x8x8 (the paper's base geometry), about 3M parameters.
    PRESETS.put("walt-tiny", () -> video(8, 1, 6, 192, 3, 5, 16, 16, 128, 1, w(1, 16, 16), w(5, 8, 8)));
    // walt-tiny super-resolution: 128 x 128 (latent 5 x 32 x 32, patch 2) and 256 x 256 (latent
    // 5 x 64 x 64, patch 2, spatial windows of a quarter frame); conditioning on the 2x smaller latent.
    PRESETS.put("walt-tiny-sr1", () -> video(8, 2, 4, 192, 3, 5, 32, 32, 128, 2, w(1, 16, 16), w(5, 8, 8)));
    PRESETS.put("walt-tiny-sr2", () -> video(8, 2, 4, 128, 2, 5, 64, 64, 128, 2, w(1, 16, 16), w(5, 8, 8)));
    // Paper, class-conditional / frame prediction at 17 x 128 x 128 (latent 5 x 16 x 16): L 24/1024/16
    // (ImageNet 460M, Kinetics-600 313M), XL 28/1152/16 (UCF-101 460M). No text (textDim 0).
    PRESETS.put("walt-l", () -> video(8, 1, 24, 1024, 16, 5, 16, 16, 0, 1, w(1, 16, 16), w(5, 8, 8)));
    PRESETS.put("walt-xl", () -> video(8, 1, 28, 1152, 16, 5, 16, 16, 0, 1, w(1, 16, 16), w(5, 8, 8)));
    // Paper text-to-video cascade at 128 x 224 (latent 5 x 16 x 28), T5-XL text (2048): base 3B with 52
    // layers and 16 heads; the table's "9216" read as the MLP width, so D = 2304. Windows 1x16x28, 5x8x14.
    PRESETS.put("walt-3b", () -> video(8, 1, 52, 2304, 16, 5, 16, 28, 2048, 1, w(1, 16, 28), w(5, 8, 14)));
    // SR 1: 256 x 448 (latent 5 x 32 x 56), patch 2, 40 / 1408 / 16.
    PRESETS.put("walt-sr1", () -> video(8, 2, 40, 1408, 16, 5, 32, 56, 2048, 2, w(1, 16, 28), w(5, 8, 14)));
    // SR 2: 512 x 896 (latent 5 x 64 x 112), patch 1, 24 / 1024 / 16. The paper does not give its
    // windows; quarter-frame spatial windows keep the relative-bias tables bounded.
    PRESETS.put("walt-sr2", () -> video(8, 1, 24, 1024, 16, 5, 64, 112, 2048, 2, w(1, 32, 56), w(5, 8, 14)));
  }

  private static Window w(int t, int h, int w) {
    return new Window(t, h, w);
  }

  private static TransformerConfig video(
      int c, int p, int depth, int d, int heads, int t, int h, int w, int textDim, int sr, Window spatial,
      Window spatiotemporal) {
    boolean base = sr == 1;
    return new TransformerConfig(
        c, p, depth, d, heads, 4.0, spatial, spatiotemporal, 2, textDim, t, h, w, base, base, sr, QkNorm.RMS,
        true);
  }

  /** Names of the presets, in a stable order. */
  public static Set<String> presetNames() {
    return Collections.unmodifiableSet(PRESETS.keySet());
  }

  /**
   * A named preset: {@code walt-tiny}, {@code walt-tiny-sr1}, {@code walt-tiny-sr2}, {@code walt-l},
   * {@code walt-xl}, {@code walt-3b}, {@code walt-sr1}, {@code walt-sr2}.
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static TransformerConfig preset(String name) {
    Supplier<TransformerConfig> preset = PRESETS.get(name);
    if (preset == null) {
      throw new IllegalArgumentException("unknown transformer preset '" + name + "', known: " + PRESETS.keySet());
    }
    return preset.get();
  }
}
