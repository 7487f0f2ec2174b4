package dev.walt.world;

import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
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

  /** The outline centred at ({@code cx}, {@code cy}) with bounding box side {@code size}, in pixels. */
  java.awt.Shape outline(double cx, double cy, double size) {
    double h = size / 2;
    return switch (this) {
      case CIRCLE -> new Ellipse2D.Double(cx - h, cy - h, size, size);
      case SQUARE -> new Rectangle2D.Double(cx - h, cy - h, size, size);
      case TRIANGLE -> {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(cx, cy - h);
        p.lineTo(cx + h, cy + h);
        p.lineTo(cx - h, cy + h);
        p.closePath();
        yield p;
      }
    };
  }
}
