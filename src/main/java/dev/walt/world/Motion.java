package dev.walt.world;

import java.util.List;
import java.util.Locale;

/**
 * How the object moves over a clip: a straight line in one of four directions, or not at all ({@link
 * #STILL}, the motion of still images). Image coordinates: x to the right, y down.
 */
public enum Motion {
  LEFT(-1, 0, "moving left", "drifting to the left", "sliding leftward", "heading left", "travelling to the left"),
  RIGHT(1, 0, "moving right", "drifting to the right", "sliding rightward", "heading right",
      "travelling to the right"),
  UP(0, -1, "moving up", "drifting upward", "rising to the top", "sliding up", "heading upward"),
  DOWN(0, 1, "moving down", "drifting downward", "falling to the bottom", "sliding down", "heading downward"),
  STILL(0, 0);

  /** The motions of video clips (every one but {@link #STILL}). */
  public static final List<Motion> MOVING = List.of(LEFT, RIGHT, UP, DOWN);

  private final int dx;
  private final int dy;
  private final List<String> phrases;

  Motion(int dx, int dy, String... phrases) {
    this.dx = dx;
    this.dy = dy;
    this.phrases = List.of(phrases);
  }

  /** Unit direction along x (right positive). */
  public int dx() {
    return dx;
  }

  /** Unit direction along y (down positive). */
  public int dy() {
    return dy;
  }

  /** The name in {@code domain.json}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Caption phrases (present participle, "a red circle ___") for this motion; empty for {@link #STILL}. */
  public List<String> phrases() {
    return phrases;
  }
}
