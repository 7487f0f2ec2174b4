package dev.walt.world;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a prompt asks for: the four attributes of a scene, without its geometry. {@link #parse(String)} reads
 * them back from any text in the world's vocabulary (every caption the templates produce, held-out ones
 * included), so a prompt alone is enough to score the clip generated for it.
 */
public record Attributes(Shape shape, Colour colour, Background background, Motion motion) {

  /** The attributes of a scene. */
  public static Attributes of(Scene scene) {
    return new Attributes(scene.shape(), scene.colour(), scene.background(), scene.motion());
  }

  /**
   * The attributes a text names: exactly one colour, one shape, one background (by any of their words) and
   * at most one motion (by the words only its phrases use: "left", "leftward", "rising", ...; none means
   * {@link Motion#STILL}). Empty when an attribute is missing or named twice with different values.
   */
  public static Optional<Attributes> parse(String text) {
    Set<String> words = new HashSet<>(Vocabulary.tokenize(text));
    Set<Colour> colours = EnumSet.noneOf(Colour.class);
    for (Colour c : Colour.values()) {
      if (words.contains(c.word())) {
        colours.add(c);
      }
    }
    Set<Shape> shapes = EnumSet.noneOf(Shape.class);
    for (Shape s : Shape.values()) {
      if (s.words().stream().anyMatch(words::contains)) {
        shapes.add(s);
      }
    }
    Set<Background> backgrounds = EnumSet.noneOf(Background.class);
    for (Background b : Background.values()) {
      if (b.words().stream().anyMatch(words::contains)) {
        backgrounds.add(b);
      }
    }
    Set<Motion> motions = EnumSet.noneOf(Motion.class);
    for (Motion m : Motion.MOVING) {
      if (distinctiveWords(m).stream().anyMatch(words::contains)) {
        motions.add(m);
      }
    }
    if (colours.size() != 1 || shapes.size() != 1 || backgrounds.size() != 1 || motions.size() > 1) {
      return Optional.empty();
    }
    Motion motion = motions.isEmpty() ? Motion.STILL : motions.iterator().next();
    return Optional.of(new Attributes(
        shapes.iterator().next(), colours.iterator().next(), backgrounds.iterator().next(), motion));
  }

  /** Words of a motion's phrases that no other motion's phrases use. */
  static Set<String> distinctiveWords(Motion motion) {
    Set<String> own = new HashSet<>();
    motion.phrases().forEach(p -> own.addAll(Vocabulary.tokenize(p)));
    for (Motion other : Motion.values()) {
      if (other != motion) {
        other.phrases().forEach(p -> own.removeAll(Vocabulary.tokenize(p)));
      }
    }
    return Set.copyOf(own);
  }

  /** The words of the attributes' names, for messages: {@code red circle left black}. */
  @Override
  public String toString() {
    return String.join(" ", List.of(colour.word(), shape.word(), motion.word(), background.word()));
  }
}
