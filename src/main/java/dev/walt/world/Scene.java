package dev.walt.world;

/**
 * One clip (or still image) of the world. Positions and lengths are fractions of the frame side, so a scene
 * renders the same at every resolution.
 *
 * @param x centre of the object's bounding box at frame 0, from the left edge
 * @param y centre of the object's bounding box at frame 0, from the top edge
 * @param size side of the object's bounding box
 * @param travel distance the centre moves from the first to the last of {@link World#FRAMES} frames (0 for
 *     {@link Motion#STILL})
 * @param frames frames in the clip: {@link World#FRAMES} for a video, 1 for a still image
 * @param seed the seed the scene was drawn from (provenance)
 */
public record Scene(
    Shape shape,
    Colour colour,
    Background background,
    Motion motion,
    double size,
    double x,
    double y,
    double travel,
    int frames,
    long seed) {

  public Scene {
    if (frames < 1 || frames > World.FRAMES) {
      throw new IllegalArgumentException("frames must be in [1, " + World.FRAMES + "]: " + frames);
    }
    if (!(size > 0 && size < 1) || travel < 0) {
      throw new IllegalArgumentException("bad size or travel: " + size + ", " + travel);
    }
    if (motion == Motion.STILL && travel != 0) {
      throw new IllegalArgumentException("a still scene does not travel");
    }
  }

  /** The same scene (colour, size, place, motion) with the object in {@code other}'s shape. */
  public Scene withShape(Shape other) {
    return new Scene(other, colour, background, motion, size, x, y, travel, frames, seed);
  }

  /** Whether this is a one-frame image rather than a clip. */
  public boolean isStill() {
    return frames == 1;
  }

  /** Centre x of the object at frame {@code t} (0-based), a fraction of the frame side. */
  public double xAt(int t) {
    return x + motion.dx() * travel * t / (World.FRAMES - 1);
  }

  /** Centre y of the object at frame {@code t} (0-based), a fraction of the frame side. */
  public double yAt(int t) {
    return y + motion.dy() * travel * t / (World.FRAMES - 1);
  }
}
