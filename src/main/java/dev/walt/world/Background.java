package dev.walt.world;

import java.util.List;
import java.util.Locale;

/** The flat backgrounds. Each has one or more caption words (synonyms); the first is its name. */
public enum Background {
  BLACK(new Rgb(0, 0, 0), "black"),
  WHITE(new Rgb(255, 255, 255), "white"),
  GRAY(new Rgb(128, 128, 128), "gray", "grey"),
  NAVY(new Rgb(20, 30, 90), "navy");

  private final Rgb rgb;
  private final List<String> words;

  Background(Rgb rgb, String... words) {
    this.rgb = rgb;
    this.words = List.of(words);
  }

  public Rgb rgb() {
    return rgb;
  }

  /** The name in {@code domain.json}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Caption words for this background, the name first. */
  public List<String> words() {
    return words;
  }
}
