package dev.walt.eval;

import dev.walt.world.Rgb;
import org.jspecify.annotations.Nullable;

/**
 * What the {@link Analyser} read from a clip. Names are those of {@code domain.json}. Colour, shape and motion
 * are null when no object was found.
 *
 * @param background nearest named background to the border pixels
 * @param colour nearest named colour to the object's core pixels
 * @param shape shape whose fill ratio is nearest to the measured one
 * @param motion direction of the object's displacement, or the still motion when it barely moves (always the
 *     still motion for a single frame)
 * @param confidence per attribute, in [0, 1]: 0 is a tie with the runner-up, 1 an exact match
 * @param measurements the raw measurements the attributes were decided from
 */
public record Analysis(
    String background,
    @Nullable String colour,
    @Nullable String shape,
    @Nullable String motion,
    Confidence confidence,
    Measurements measurements) {

  /** Whether an object was found at all. */
  public boolean hasObject() {
    return colour != null;
  }

  /** Confidence per attribute: {@code 1 - d1 / d2} for the nearest and second-nearest candidates. */
  public record Confidence(double background, double colour, double shape, double motion) {}

  /**
   * @param backgroundRgb per-channel median of the border pixels
   * @param objectRgb mean of the object's core pixels (null without an object)
   * @param fillRatio median over frames of the object's area over the product of its largest column and row
   *     extents (1 for a square, pi/4 for a circle, 1/2 for a triangle)
   * @param skewness median over frames of the skewness of the object's area along y (down positive)
   * @param area mean area of the object, as a fraction of the frame
   * @param dx displacement of the object's centroid from the start to the end of the clip, fraction of width
   * @param dy the same along y (down positive), fraction of height
   * @param framesWithObject frames in which an object was found
   * @param frames frames in the clip
   */
  public record Measurements(
      Rgb backgroundRgb,
      @Nullable Rgb objectRgb,
      double fillRatio,
      double skewness,
      double area,
      double dx,
      double dy,
      int framesWithObject,
      int frames) {}
}
