package dev.walt.model;

import dev.walt.model.text.WordTextEncoderConfig;

/**
 * The text encoder of a model: which implementation of {@link dev.walt.model.text.TextEncoder}, its
 * sequence length and its sizes.
 *
 * <p>{@value #WORD} is the only kind this build loads: {@link dev.walt.model.text.WordTextEncoder} with
 * {@code vocab.txt} and {@code text.safetensors} of the model folder. Another kind (a T5 encoder through
 * TorchScript, see {@code TextEncoder}) would add its own value here and its own file(s); the stages only
 * see {@link #dim()}.
 *
 * @param kind {@value #WORD}
 * @param maxTokens K, the fixed token sequence length (longer prompts are truncated)
 * @param word sizes of the word-level encoder
 */
public record TextConfig(String kind, int maxTokens, WordTextEncoderConfig word) {

  /** The small word-level transformer encoder of walt-tiny. */
  public static final String WORD = "word";

  public TextConfig {
    if (!WORD.equals(kind)) {
      throw new IllegalArgumentException("unknown text encoder kind '" + kind + "', known: [" + WORD + "]");
    }
    if (maxTokens < 1) {
      throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
    }
    if (word == null) {
      throw new IllegalArgumentException("a word text encoder needs its sizes ('word')");
    }
  }

  /** Dt, the width of every text token. */
  public int dim() {
    return word.dim();
  }
}
