package dev.walt.model.text;

import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * Turns prompts into the token sequence the transformer's spatial layers attend to
 * ({@code DenoiserInput.text()} and {@code textMask()}). The transformer only needs {@link #dim()} to
 * equal its {@code textDim}; nothing else about the encoder is visible to it.
 *
 * <p><b>Plugging in T5.</b> The paper conditions on T5-XL. A {@code T5TextEncoder implements
 * TextEncoder} would load the encoder exported to TorchScript (or ONNX) through DJL's
 * {@code Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(...)} into a
 * {@code ZooModel<NDList, NDList>}, tokenize with the SentencePiece/HuggingFace tokenizer of the same
 * checkpoint (DJL's {@code HuggingFaceTokenizer}) padded to a fixed K, run the predictor on
 * {@code (input_ids, attention_mask)} and return the last hidden state (B, K, 2048) with the attention
 * mask as float. {@code nullEmbedding} is the encoding of the empty prompt (or zeros), and {@code dim()}
 * returns 2048; the transformer is configured with {@code textDim = 2048}. No transformer code changes.
 *
 * <p>Implementations are not required to be thread-safe.
 */
public interface TextEncoder {

  /**
   * Encodes a batch of prompts.
   *
   * @param prompts B prompts
   * @param manager owner of the returned arrays
   * @return tokens (B, K, Dt) and mask (B, K)
   */
  TextEmbedding encode(List<String> prompts, NDManager manager);

  /**
   * The unconditional embedding used for classifier-free guidance (and for prompt dropout in
   * training): the same shape as {@link #encode} returns.
   *
   * @param batch B
   * @param manager owner of the returned arrays
   * @return tokens (B, K, Dt) and mask (B, K)
   */
  TextEmbedding nullEmbedding(int batch, NDManager manager);

  /** Dt, the width of every token. */
  int dim();
}
