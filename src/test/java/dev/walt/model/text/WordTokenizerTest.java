package dev.walt.model.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordTokenizerTest {

  private static final List<String> WORDS = List.of("a", "red", "circle", "moves", "left", ",", ".", "on", "blue", "don't");

  @Test
  void splitsLowerCaseWordsAndPunctuation() {
    assertEquals(
        List.of("a", "red", "circle", ",", "moving", "left", "-", "to", "-", "right", ".", "don't", "!"),
        WordTokenizer.split("  A RED circle, moving left-to-right. Don't!"));
  }

  @Test
  void roundTripsKnownText() {
    WordTokenizer tokenizer = WordTokenizer.of(WORDS, 16);
    int[] ids = tokenizer.ids("A red circle, on blue. Don't");
    assertArrayEquals(new int[] {2, 3, 4, 7, 9, 10, 8, 11}, ids); // [PAD]=0 [UNK]=1, words from 2
    assertEquals("a red circle, on blue. don't", tokenizer.decode(ids));
  }

  @Test
  void unknownWordsMapToUnk() {
    WordTokenizer tokenizer = WordTokenizer.of(WORDS, 16);
    int[] ids = tokenizer.ids("a purple circle");
    assertArrayEquals(new int[] {2, 1, 4}, ids);
    assertEquals("a [UNK] circle", tokenizer.decode(ids));
  }

  @Test
  void padsTruncatesAndMasks() {
    WordTokenizer tokenizer = WordTokenizer.of(WORDS, 4);
    WordTokenizer.Batch batch = tokenizer.encode(List.of("red circle", "a red circle moves left", ""));
    assertEquals(3, batch.batch());
    assertEquals(4, batch.length());
    assertArrayEquals(new long[] {3, 4, 0, 0, 2, 3, 4, 5, 0, 0, 0, 0}, batch.ids());
    assertArrayEquals(new float[] {1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0}, batch.mask());
  }

  @Test
  void vocabularyFileRoundTrips(@TempDir Path dir) throws IOException {
    WordTokenizer tokenizer = WordTokenizer.of(WORDS, 8);
    Path file = dir.resolve("vocab.txt");
    tokenizer.save(file);
    assertEquals("[PAD]", Files.readAllLines(file).get(0));
    WordTokenizer loaded = WordTokenizer.load(file, 8);
    assertEquals(tokenizer.vocabulary(), loaded.vocabulary());
    assertArrayEquals(tokenizer.ids("a red circle"), loaded.ids("a red circle"));

    Files.write(file, List.of("red", "[UNK]", "[PAD]"));
    WordTokenizer custom = WordTokenizer.load(file, 8);
    assertEquals(2, custom.padId());
    assertEquals(1, custom.unkId());
  }

  @Test
  void vocabularyWithoutSpecialTokensIsRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new WordTokenizer(List.of("[PAD]", "red"), 4));
    assertEquals("vocabulary must contain [PAD] and [UNK]", e.getMessage());
    IllegalArgumentException twice =
        assertThrows(IllegalArgumentException.class, () -> new WordTokenizer(List.of("[PAD]", "[UNK]", "red", "red"), 4));
    assertEquals("vocabulary word 'red' appears twice", twice.getMessage());
  }
}
