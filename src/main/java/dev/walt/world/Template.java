package dev.walt.world;

/**
 * A caption template. Slots: {@code {colour}}, {@code {shape}}, {@code {motion}} and {@code {background}},
 * each filled with one of the attribute's words or phrases (synonyms chosen at random).
 *
 * @param id stable identifier ({@code train-video-1}, ...)
 * @param split the split whose captions use it
 * @param still whether it describes a still image (no {@code {motion}} slot) rather than a clip
 * @param pattern the text with slots
 */
public record Template(String id, Split split, boolean still, String pattern) {

  public Template {
    if (still == pattern.contains("{motion}")) {
      throw new IllegalArgumentException("a still template has no {motion} slot, a video template has one: " + id);
    }
  }

  /** The caption for given words: a shape word, a background word and (for video templates) a motion phrase. */
  public String fill(String colour, String shape, String motion, String background) {
    return pattern
        .replace("{colour}", colour)
        .replace("{shape}", shape)
        .replace("{motion}", motion)
        .replace("{background}", background);
  }
}
