package dev.walt.world;

import java.util.List;
import java.util.Locale;

/**
 * The object's shapes. Each fills a square bounding box of side {@code size}; they differ in how much of it
 * they fill ({@link #fillRatio()}), which is what the evaluator measures.
 */
public enum Shape {
  /** A disc of diameter {@code size}. */
  CIRCLE(Math.PI / 4, 0, "circle", "ball", "disc"),
  /** An axis-aligned square of side {@code size}. */
  SQUARE(1.0, 0, "square", "box", "block"),
  /** An isosceles triangle pointing up, base and height {@code size}. */
  TRIANGLE(0.5, -2 * Math.sqrt(2) / 5, "triangle", "wedge");

  private final double fillRatio;
  private final double skewness;
  private final List<String> words;

  Shape(double fillRatio, double skewness, String... words) {
    this.fillRatio = fillRatio;
    this.skewness = skewness;
    this.words = List.of(words);
  }

  /**
   * Skewness of the distribution of the shape's area along y (down positive): 0 for shapes symmetric top to
   * bottom; {@code -2 sqrt(2) / 5} for the upward triangle, whose width grows linearly from apex to base.
   */
  public double skewness() {
    return skewness;
  }

  /** Area over the area of the bounding box. */
  public double fillRatio() {
    return fillRatio;
  }

  /** The name in {@code domain.json}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Caption words (synonyms) for this shape, the name first. */
  public List<String> words() {
    return words;
  }

  /**
   * Signed distance, in the units of the arguments, from the point ({@code x}, {@code y}) to the nearest edge
   * line of this shape centred at ({@code cx}, {@code cy}) with bounding box side {@code size}: positive
   * inside, negative outside. Exact inside; outside its magnitude never exceeds the true distance (for the
   * polygons it is the distance to the most violated edge line), so {@code d > r} means a disc of radius
   * {@code r} around the point is wholly inside, and {@code d < -r} that it is wholly outside.
   */
  double edgeDistance(double x, double y, double cx, double cy, double size) {
    double h = size / 2;
    double dx = x - cx;
    double dy = y - cy;
    return switch (this) {
      case CIRCLE -> h - Math.sqrt(dx * dx + dy * dy);
      case SQUARE -> Math.min(h - Math.abs(dx), h - Math.abs(dy));
      case TRIANGLE -> {
        double base = h - dy;
        double sides = (dy + h - 2 * Math.abs(dx)) / Math.sqrt(5);
        yield Math.min(base, sides);
      }
    };
  }
}
