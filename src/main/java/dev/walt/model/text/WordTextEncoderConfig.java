package dev.walt.model.text;

/**
 * Sizes of {@link WordTextEncoder}; the vocabulary and the sequence length K come from its tokenizer.
 *
 * @param dim Dt, token width (the transformer's {@code textDim})
 * @param depth number of self-attention layers
 * @param heads attention heads (dim must be divisible by heads)
 * @param mlpRatio MLP hidden width / dim
 */
public record WordTextEncoderConfig(int dim, int depth, int heads, double mlpRatio) {

  public WordTextEncoderConfig {
    if (dim < 1 || depth < 0 || heads < 1 || dim % heads != 0 || mlpRatio <= 0) {
      throw new IllegalArgumentException(
          "invalid text encoder sizes: dim " + dim + ", depth " + depth + ", heads " + heads + ", mlpRatio " + mlpRatio);
    }
  }

  /** The walt-tiny text encoder: width 128 (walt-tiny's textDim), 2 layers, 4 heads. */
  public static WordTextEncoderConfig tiny() {
    return new WordTextEncoderConfig(128, 2, 4, 4.0);
  }

  public int mlpHidden() {
    return (int) Math.round(dim * mlpRatio);
  }
}
