package dev.walt.world;

import java.util.List;

/** The fixed geometry of the moving-shapes world. */
public final class World {

  /** Frames per clip. */
  public static final int FRAMES = 17;

  /** Frames per second of a clip. */
  public static final int FPS = 8;

  /** Side of the square frame the world is rendered at; every lower stage is an area-average of it. */
  public static final int RESOLUTION = 256;

  /** The resolutions of the cascade's stages (each divides {@link #RESOLUTION}). */
  public static final List<Integer> STAGE_RESOLUTIONS = List.of(32, 64, 128, 256);

  /** Smallest and largest side of the object's bounding box, as a fraction of the frame side. */
  public static final double MIN_SIZE = 0.25;

  public static final double MAX_SIZE = 1.0 / 3;

  /** Smallest and largest distance the object travels over a clip, as a fraction of the frame side. */
  public static final double MIN_TRAVEL = 0.30;

  public static final double MAX_TRAVEL = 0.45;

  /** Gap kept between the object's bounding box and the frame's edge, as a fraction of the frame side. */
  public static final double MARGIN = 0.03;

  /** Smallest RGB distance between an object colour and a background it may appear on. */
  public static final double MIN_CONTRAST = 120;

  private World() {}
}
