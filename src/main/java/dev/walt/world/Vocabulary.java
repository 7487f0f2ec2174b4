package dev.walt.world;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The world's words, for a word-level tokenizer. Tokenization: lower-case, then split on every character
 * other than {@code a-z} (so punctuation disappears).
 */
public final class Vocabulary {

  private static final Pattern SEPARATOR = Pattern.compile("[^a-z]+");

  private Vocabulary() {}

  /** The words of a text, in order. */
  public static List<String> tokenize(String text) {
    List<String> words = new ArrayList<>();
    for (String word : SEPARATOR.split(text.toLowerCase(Locale.ROOT))) {
      if (!word.isEmpty()) {
        words.add(word);
      }
    }
    return words;
  }

  /** Every word a template of the split can produce, sorted. */
  public static List<String> words(Split split) {
    TreeSet<String> words = new TreeSet<>();
    for (Template template : Captions.TEMPLATES) {
      if (template.split() == split) {
        words.addAll(words(template));
      }
    }
    return List.copyOf(words);
  }

  /** Every word any template can produce, sorted: the tokenizer's vocabulary. */
  public static List<String> words() {
    TreeSet<String> words = new TreeSet<>(words(Split.TRAIN));
    words.addAll(words(Split.HELD_OUT));
    return List.copyOf(words);
  }

  /** The most words any caption has: a bound for the text encoder's sequence length. */
  public static int maxCaptionWords() {
    int longestPhrase = 0;
    for (Motion motion : Motion.MOVING) {
      for (String phrase : motion.phrases()) {
        longestPhrase = Math.max(longestPhrase, tokenize(phrase).size());
      }
    }
    int max = 0;
    for (Template template : Captions.TEMPLATES) {
      // colour, shape and background words are single words; the motion slot holds a phrase
      int literal = tokenize(template.pattern().replaceAll("\\{[a-z]+}", " ")).size();
      max = Math.max(max, literal + 3 + (template.still() ? 0 : longestPhrase));
    }
    return max;
  }

  /** Every word one template can produce. */
  public static List<String> words(Template template) {
    TreeSet<String> words = new TreeSet<>(tokenize(template.pattern().replaceAll("\\{[a-z]+}", " ")));
    for (Colour colour : Colour.values()) {
      words.add(colour.word());
    }
    for (Shape shape : Shape.values()) {
      words.addAll(shape.words());
    }
    for (Background background : Background.values()) {
      words.addAll(background.words());
    }
    if (!template.still()) {
      for (Motion motion : Motion.MOVING) {
        motion.phrases().forEach(p -> words.addAll(tokenize(p)));
      }
    }
    return List.copyOf(words);
  }
}
