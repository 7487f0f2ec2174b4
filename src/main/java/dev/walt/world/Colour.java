package dev.walt.world;

import java.util.Locale;

/**
 * The object's colours: the six primaries and secondaries, far apart from each other (at least 130 in
 * RGB distance) and from every {@link Background} (at least {@link World#MIN_CONTRAST}).
 */
public enum Colour {
  RED(new Rgb(220, 40, 40)),
  GREEN(new Rgb(40, 190, 60)),
  BLUE(new Rgb(40, 80, 240)),
  YELLOW(new Rgb(240, 210, 40)),
  MAGENTA(new Rgb(210, 60, 210)),
  CYAN(new Rgb(40, 210, 210));

  private final Rgb rgb;

  Colour(Rgb rgb) {
    this.rgb = rgb;
  }

  public Rgb rgb() {
    return rgb;
  }

  /** The caption word and the name in {@code domain.json}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether this colour contrasts enough with a background to appear on it. */
  public boolean contrastsWith(Background background) {
    return rgb.distance(background.rgb()) >= World.MIN_CONTRAST;
  }
}
