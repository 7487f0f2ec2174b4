package dev.walt.model.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A word-level tokenizer: lower-cases the prompt, splits it into words (letters and digits, with inner
 * apostrophes: {@code don't}) and single punctuation marks, and maps each to its id in a fixed
 * vocabulary. Unknown words map to {@value #UNK}; sequences are truncated or padded with
 * {@value #PAD} to {@link #maxLength()}.
 *
 * <p>The vocabulary file holds one token per line (UTF-8); the line number is the id. It must contain
 * {@value #PAD} and {@value #UNK} (by convention the first two lines); blank lines are not allowed.
 * Immutable and thread-safe.
 */
public final class WordTokenizer {

  public static final String PAD = "[PAD]";
  public static final String UNK = "[UNK]";

  private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}]+(?:['\u2019][\\p{L}\\p{N}]+)*|[^\\s\\p{L}\\p{N}]");

  private final List<String> vocabulary;
  private final Map<String, Integer> ids;
  private final int maxLength;
  private final int padId;
  private final int unkId;

  /**
   * @param vocabulary tokens in id order, containing {@value #PAD} and {@value #UNK}, no duplicates
   * @param maxLength K, the fixed sequence length
   */
  public WordTokenizer(List<String> vocabulary, int maxLength) {
    if (maxLength < 1) {
      throw new IllegalArgumentException("maxLength must be >= 1");
    }
    this.vocabulary = List.copyOf(vocabulary);
    this.maxLength = maxLength;
    Map<String, Integer> map = new HashMap<>();
    for (int i = 0; i < this.vocabulary.size(); i++) {
      String word = this.vocabulary.get(i);
      if (word.isBlank()) {
        throw new IllegalArgumentException("vocabulary line " + (i + 1) + " is blank");
      }
      if (map.put(word, i) != null) {
        throw new IllegalArgumentException("vocabulary word '" + word + "' appears twice");
      }
    }
    if (!map.containsKey(PAD) || !map.containsKey(UNK)) {
      throw new IllegalArgumentException("vocabulary must contain " + PAD + " and " + UNK);
    }
    this.ids = Map.copyOf(map);
    this.padId = map.get(PAD);
    this.unkId = map.get(UNK);
  }

  /** Reads a vocabulary file (one token per line). */
  public static WordTokenizer load(Path vocabularyFile, int maxLength) throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(vocabularyFile, StandardCharsets.UTF_8));
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1); // trailing newline(s)
    }
    return new WordTokenizer(lines, maxLength);
  }

  /** A vocabulary of {@value #PAD}, {@value #UNK}, then the given words (deduplicated, in order). */
  public static WordTokenizer of(Collection<String> words, int maxLength) {
    LinkedHashSet<String> all = new LinkedHashSet<>();
    all.add(PAD);
    all.add(UNK);
    all.addAll(words);
    return new WordTokenizer(new ArrayList<>(all), maxLength);
  }

  /** Writes the vocabulary, one token per line, readable by {@link #load}. */
  public void save(Path vocabularyFile) throws IOException {
    Files.write(vocabularyFile, vocabulary, StandardCharsets.UTF_8);
  }

  /** Lower-cased words and punctuation marks of a text, in order. */
  public static List<String> split(String text) {
    List<String> tokens = new ArrayList<>();
    Matcher matcher = TOKEN.matcher(text.toLowerCase(Locale.ROOT));
    while (matcher.find()) {
      tokens.add(matcher.group());
    }
    return tokens;
  }

  /** Ids of a text, truncated to {@link #maxLength()}, without padding. */
  public int[] ids(String text) {
    List<String> words = split(text);
    int length = Math.min(words.size(), maxLength);
    int[] result = new int[length];
    for (int i = 0; i < length; i++) {
      result[i] = ids.getOrDefault(words.get(i), unkId);
    }
    return result;
  }

  /**
   * Tokenizes a batch to fixed length K.
   *
   * @return ids (B * K, row-major) and mask (B * K: 1 real, 0 padding)
   */
  public Batch encode(List<String> texts) {
    long[] all = new long[texts.size() * maxLength];
    float[] mask = new float[texts.size() * maxLength];
    for (int b = 0; b < texts.size(); b++) {
      int[] row = ids(texts.get(b));
      for (int k = 0; k < maxLength; k++) {
        all[b * maxLength + k] = k < row.length ? row[k] : padId;
        mask[b * maxLength + k] = k < row.length ? 1f : 0f;
      }
    }
    return new Batch(texts.size(), maxLength, all, mask);
  }

  /**
   * Text of ids: padding is skipped, words are joined by spaces and punctuation attaches to the
   * previous word ({@code "a red circle, moving left."}).
   */
  public String decode(int[] tokenIds) {
    StringBuilder text = new StringBuilder();
    for (int id : tokenIds) {
      if (id == padId) {
        continue;
      }
      String token = vocabulary.get(id);
      boolean punctuation = token.length() == 1 && !Character.isLetterOrDigit(token.charAt(0)) && !token.equals(UNK);
      if (text.length() > 0 && !punctuation) {
        text.append(' ');
      }
      text.append(token);
    }
    return text.toString();
  }

  public int maxLength() {
    return maxLength;
  }

  public int vocabularySize() {
    return vocabulary.size();
  }

  public int padId() {
    return padId;
  }

  public int unkId() {
    return unkId;
  }

  /** The vocabulary in id order. */
  public List<String> vocabulary() {
    return vocabulary;
  }

  /**
   * A tokenized batch.
   *
   * @param batch B
   * @param length K
   * @param ids (B * K) row-major token ids
   * @param mask (B * K) 1 for a real token, 0 for padding
   */
  public record Batch(int batch, int length, long[] ids, float[] mask) {}
}
