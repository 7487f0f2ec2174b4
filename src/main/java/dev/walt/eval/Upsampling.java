package dev.walt.eval;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Bicubic upsampling with Java2D ({@link RenderingHints#VALUE_INTERPOLATION_BICUBIC}): the baseline that each
 * super-resolution stage must beat. Deterministic (Java2D's software loops); pixel centres map to pixel
 * centres, {@code x_out + 0.5 = (x_in + 0.5) * scale}.
 */
public final class Upsampling {

  private Upsampling() {}

  /** One image resized to {@code width} x {@code height}. */
  public static BufferedImage bicubic(BufferedImage src, int width, int height) {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException("bad size " + width + "x" + height);
    }
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(src, 0, 0, width, height, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  /** Every frame resized to {@code width} x {@code height}. */
  public static List<BufferedImage> bicubic(List<BufferedImage> frames, int width, int height) {
    List<BufferedImage> out = new ArrayList<>(frames.size());
    for (BufferedImage frame : frames) {
      out.add(bicubic(frame, width, height));
    }
    return out;
  }
}
