package dev.walt.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.walt.model.text.TextEmbedding;
import dev.walt.model.text.WordTextEncoder;
import dev.walt.model.text.WordTokenizer;
import java.util.List;
import java.util.SplittableRandom;

/** Captions to text tokens for a training step, with text dropout for classifier-free guidance. */
final class Captions {

  private Captions() {}

  /** A training caption of {@code scene}: a training template drawn at random, its synonyms drawn anew. */
  static String drawn(dev.walt.world.Scene scene, SplittableRandom random) {
    List<dev.walt.world.Template> templates = dev.walt.world.Captions.templates(dev.walt.world.Split.TRAIN, false);
    return dev.walt.world.Captions.caption(scene, templates.get(random.nextInt(templates.size())), random);
  }

  /**
   * Encodes {@code captions} and replaces each, with probability {@code dropout}, by the encoder's null
   * embedding (the unconditional input of guidance).
   *
   * @param train true when the encoder trains in this step; false for a frozen encoder (no gradients reach
   *     it, and it runs in inference mode)
   * @return tokens (B, K, D) and mask (B, K)
   */
  static NDArray[] encode(
      WordTextEncoder text, NDManager scope, List<String> captions, double dropout, SplittableRandom random,
      boolean train) {
    int b = captions.size();
    WordTokenizer.Batch tokens = text.tokenizer().encode(captions);
    Shape shape = new Shape(b, tokens.length());
    NDArray ids = scope.create(tokens.ids(), shape);
    NDArray mask = scope.create(tokens.mask(), shape);
    NDArray encoded =
        train ? text.forward(new ParameterStore(scope, false), ids, mask, true)
            : Grad.off(() -> text.forward(new ParameterStore(scope, false), ids, mask, false).stopGradient());
    float[] drop = new float[b];
    boolean any = false;
    for (int i = 0; i < b; i++) {
      drop[i] = random.nextDouble() < dropout ? 1f : 0f;
      any |= drop[i] > 0;
    }
    if (!any) {
      return new NDArray[] {encoded, mask};
    }
    TextEmbedding none = text.nullEmbedding(b, scope);
    NDArray nullTokens = train ? none.tokens() : none.tokens().stopGradient();
    NDArray d = scope.create(drop);
    NDArray keep = d.neg().add(1f);
    NDArray tokensOut = encoded.mul(keep.reshape(b, 1, 1)).add(nullTokens.mul(d.reshape(b, 1, 1)));
    NDArray maskOut = mask.mul(keep.reshape(b, 1)).add(none.mask().mul(d.reshape(b, 1)));
    return new NDArray[] {tokensOut, maskOut};
  }
}
