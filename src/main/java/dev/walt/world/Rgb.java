package dev.walt.world;

/** An 8-bit sRGB colour. */
public record Rgb(int r, int g, int b) {

  public Rgb {
    if ((r | g | b) < 0 || r > 255 || g > 255 || b > 255) {
      throw new IllegalArgumentException("RGB components must be in [0, 255]: " + r + ", " + g + ", " + b);
    }
  }

  /** Packed {@code 0xRRGGBB}, as {@link java.awt.image.BufferedImage#TYPE_INT_RGB} stores it. */
  public int packed() {
    return (r << 16) | (g << 8) | b;
  }

  /** Euclidean distance in RGB space (0 to about 441.7). */
  public double distance(Rgb other) {
    return distance(other.r, other.g, other.b);
  }

  /** Euclidean distance in RGB space to a measured (fractional) colour. */
  public double distance(double red, double green, double blue) {
    double dr = r - red;
    double dg = g - green;
    double db = b - blue;
    return Math.sqrt(dr * dr + dg * dg + db * db);
  }
}
