package dev.walt.model.transformer;

import dev.walt.model.transformer.TransformerConfig.Window;

/**
 * Analytic floating-point operations of one forward pass of {@link WaltTransformer}, counting a
 * multiply-add as 2 FLOPs and only matrix products (linear layers, convolutions, attention); norms,
 * softmax and other elementwise work are not counted.
 *
 * @param dense linear layers and convolutions: embeddings, conditioning, q/k/v and output projections,
 *     MLPs, output head
 * @param attention the attention products {@code q k^T} and {@code P v} with the configured windows
 *     (text keys included in the spatial layers)
 * @param fullAttention the same products if every layer attended to all tokens of its sample
 */
public record FlopCount(long dense, long attention, long fullAttention) {

  /** FLOPs with the configured windows. */
  public long total() {
    return dense + attention;
  }

  /** FLOPs of the same model with full attention in every layer. */
  public long totalWithFullAttention() {
    return dense + fullAttention;
  }

  /**
   * Counts one forward pass.
   *
   * @param config the model
   * @param batch B
   * @param frames T latent frames
   * @param height H latent cells
   * @param width W latent cells
   * @param textTokens K text tokens given to the spatial layers (0: none)
   */
  public static FlopCount of(TransformerConfig config, int batch, int frames, int height, int width, int textTokens) {
    long d = config.hiddenSize();
    long c = config.latentChannels();
    long p = config.patchSize();
    long hp = height / p;
    long wp = width / p;
    long n = frames * hp * wp; // tokens per sample
    long k = config.textDim() > 0 ? textTokens : 0;
    long f = TimestepEmbedding.FREQUENCY_DIM;

    long dense = 0;
    if (config.superResolution()) {
      long s = config.superResolutionFactor();
      long lowCells = (long) frames * (height / s) * (width / s);
      dense += 2 * lowCells * (c * 9) * (c * s * s); // 3x3 conv to C*s*s channels
      dense += 2 * (f * d + d * d); // noise-level MLP
    }
    dense += 2 * n * (config.inputChannels() * p * p) * d; // patch embedding
    dense += 2 * (f * d + d * d); // timestep MLP
    dense += 2 * d * (6 * d); // shared AdaLN projection
    dense += 2L * config.depth() * config.adaLnLoraRank() * (d + 6 * d); // LoRA down and up
    dense += 2 * k * config.textDim() * d; // text projection
    if (config.pooledText() && k > 0) {
      dense += 2L * config.textDim() * d; // pooled text into the conditioning
    }
    if (config.textLayoutRank() > 0 && k > 0) {
      long r = config.textLayoutRank();
      long maps = r * config.maxLatentFrames() * (config.maxLatentHeight() / p) * (config.maxLatentWidth() / p);
      dense += 2L * config.textDim() * maps + 2L * n * r * d; // the maps, then r directions per token
    }
    long mlp = config.mlpHidden();
    long attention = 0;
    long full = 0;
    for (int i = 0; i < config.depth(); i++) {
      boolean spatial = i % 2 == 0;
      long extra = spatial ? k : 0;
      dense += 2 * n * d * (3 * d) + 2 * n * d * d + 2 * 2 * n * d * mlp; // qkv, output projection, MLP
      dense += 2 * extra * d * (3 * d); // text through the qkv projection
      Window window = (spatial ? config.spatialWindow() : config.spatiotemporalWindow()).fit(frames, hp, wp);
      attention += 2 * 2 * n * (window.tokens() + extra) * d; // q k^T and P v over the window (+ text)
      full += 2 * 2 * n * (n + extra) * d;
    }
    dense += 2 * d * (2 * d) + 2 * n * d * (p * p * c); // output head
    return new FlopCount(dense * batch, attention * batch, full * batch);
  }
}
