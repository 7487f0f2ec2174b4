package dev.walt.model.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WordTextEncoderTest {

  private static final WordTokenizer TOKENIZER =
      WordTokenizer.of(List.of("a", "red", "blue", "circle", "square", "moves", "left", "right", "."), 6);
  private static final WordTextEncoderConfig CONFIG = new WordTextEncoderConfig(16, 2, 4, 2.0);

  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void encodesToFixedLengthWithZeroPadding() {
    WordTextEncoder encoder = WordTextEncoder.create(TOKENIZER, CONFIG, manager, 1);
    TextEmbedding e = encoder.encode(List.of("a red circle moves left.", "blue square", ""), manager);
    assertEquals(new Shape(3, 6, 16), e.tokens().getShape());
    assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, e.mask().toFloatArray());
    float[] tokens = e.tokens().toFloatArray();
    for (int k = 2; k < 6; k++) {
      for (int d = 0; d < 16; d++) {
        assertEquals(0f, tokens[(6 + k) * 16 + d], "padding of prompt 2");
      }
    }
    for (float value : tokens) {
      assertTrue(Float.isFinite(value), "an empty prompt stays finite");
    }
    assertEquals(16, encoder.dim());
  }

  @Test
  void paddingPositionsDoNotInfluenceRealTokens() {
    WordTextEncoder encoder = WordTextEncoder.create(TOKENIZER, CONFIG, manager, 2);
    ParameterStore store = new ParameterStore(manager, false);
    NDArray mask = manager.create(new float[] {1, 1, 1, 0, 0, 0}, new Shape(1, 6));
    NDArray ids = manager.create(new long[] {2, 3, 5, 0, 0, 0}, new Shape(1, 6));
    NDArray junk = manager.create(new long[] {2, 3, 5, 7, 8, 9}, new Shape(1, 6));
    assertArrayEquals(
        encoder.forward(store, ids, mask, false).toFloatArray(), encoder.forward(store, junk, mask, false).toFloatArray());
    NDArray otherWord = manager.create(new long[] {2, 4, 5, 0, 0, 0}, new Shape(1, 6));
    assertFalse(
        Arrays.equals(
            encoder.forward(store, ids, mask, false).toFloatArray(), encoder.forward(store, otherWord, mask, false).toFloatArray()));
  }

  @Test
  void nullEmbeddingIsTheLearnedSequenceForEverySample() {
    WordTextEncoder encoder = WordTextEncoder.create(TOKENIZER, CONFIG, manager, 3);
    TextEmbedding nothing = encoder.nullEmbedding(2, manager);
    assertEquals(new Shape(2, 6, 16), nothing.tokens().getShape());
    assertEquals(new Shape(2, 6), nothing.mask().getShape());
    float[] learned = encoder.getParameters().get("nullEmbedding").getArray().toFloatArray();
    float[] tokens = nothing.tokens().toFloatArray();
    assertArrayEquals(learned, Arrays.copyOfRange(tokens, 0, learned.length));
    assertArrayEquals(learned, Arrays.copyOfRange(tokens, learned.length, 2 * learned.length));
    float[] ones = new float[12];
    Arrays.fill(ones, 1f);
    assertArrayEquals(ones, nothing.mask().toFloatArray());
  }

  @Test
  void sameSeedSameEncoding() {
    WordTextEncoder first = WordTextEncoder.create(TOKENIZER, CONFIG, manager, 9);
    WordTextEncoder second = WordTextEncoder.create(TOKENIZER, CONFIG, manager, 9);
    List<String> prompts = List.of("a blue circle moves right");
    assertArrayEquals(
        first.encode(prompts, manager).tokens().toFloatArray(), second.encode(prompts, manager).tokens().toFloatArray());
  }
}
