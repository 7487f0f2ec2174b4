package dev.walt.video;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.WritableRaster;

/**
 * Image geometry for the model's inputs and the encoder's outputs. Results are always new {@code
 * TYPE_3BYTE_BGR} images; inputs are never modified. Transparent pixels are composited over white.
 */
public final class Images {

  private Images() {}

  /**
   * Scales {@code source} so that it covers {@code width x height} (keeping its aspect ratio) and cuts
   * the centre out of it, so any input size and aspect ratio gives exactly {@code width x height}.
   *
   * <p>Equivalently: the largest centred region of the source with the target's aspect ratio (rounded
   * to whole source pixels; an odd margin leaves the extra pixel on the right or bottom) is resampled to
   * the target size. Downscaling halves the image with bilinear filtering (a 2x2 box average) until it
   * is less than twice the target, then does one bilinear step, so detail is averaged, not aliased;
   * upscaling is bicubic.
   */
  public static BufferedImage resizeAndCenterCrop(BufferedImage source, int width, int height) {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException("target size must be positive, was " + width + "x" + height);
    }
    int sourceWidth = source.getWidth();
    int sourceHeight = source.getHeight();
    int cropWidth;
    int cropHeight;
    if ((long) sourceWidth * height > (long) sourceHeight * width) { // source is wider than the target
      cropHeight = sourceHeight;
      long exact = Math.round((double) sourceHeight * width / height);
      cropWidth = (int) Math.max(1, Math.min(sourceWidth, exact));
    } else {
      cropWidth = sourceWidth;
      long exact = Math.round((double) sourceWidth * height / width);
      cropHeight = (int) Math.max(1, Math.min(sourceHeight, exact));
    }
    int x = (sourceWidth - cropWidth) / 2;
    int y = (sourceHeight - cropHeight) / 2;
    BufferedImage crop = copyRegion(source, x, y, cropWidth, cropHeight);
    return cropWidth == width && cropHeight == height ? crop : resize(crop, width, height);
  }

  /** Resamples to exactly {@code width x height} (aspect ratio not kept), progressive when shrinking. */
  static BufferedImage resize(BufferedImage source, int width, int height) {
    BufferedImage current = source;
    int currentWidth = source.getWidth();
    int currentHeight = source.getHeight();
    while (currentWidth >= 2 * width || currentHeight >= 2 * height) {
      currentWidth = currentWidth >= 2 * width ? currentWidth / 2 : currentWidth;
      currentHeight = currentHeight >= 2 * height ? currentHeight / 2 : currentHeight;
      current = draw(current, currentWidth, currentHeight, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    }
    Object interpolation =
        width > currentWidth || height > currentHeight
            ? RenderingHints.VALUE_INTERPOLATION_BICUBIC
            : RenderingHints.VALUE_INTERPOLATION_BILINEAR;
    return draw(current, width, height, interpolation);
  }

  /**
   * Shrinks so the longer side is at most {@code maxSide}, keeping the aspect ratio; never enlarges
   * (returns the image itself, converted to BGR if needed, when it already fits).
   */
  static BufferedImage fit(BufferedImage source, int maxSide) {
    int width = source.getWidth();
    int height = source.getHeight();
    int longer = Math.max(width, height);
    if (longer <= maxSide) {
      return toBgr(source);
    }
    double scale = (double) maxSide / longer;
    return resize(
        source,
        (int) Math.max(1, Math.round(width * scale)),
        (int) Math.max(1, Math.round(height * scale)));
  }

  /**
   * Applies an EXIF orientation (1..8) to a BGR image so it shows upright: 2 mirror, 3 rotate 180, 4
   * flip, 5 transpose, 6 rotate 90 clockwise, 7 transverse, 8 rotate 90 counter-clockwise. Orientation
   * 1 returns the image itself; 5..8 swap width and height.
   */
  static BufferedImage orient(BufferedImage image, int orientation) {
    if (orientation <= 1 || orientation > 8) {
      return image;
    }
    int width = image.getWidth();
    int height = image.getHeight();
    boolean swap = orientation >= 5;
    int outWidth = swap ? height : width;
    int outHeight = swap ? width : height;
    byte[] source = bgrBytes(image);
    BufferedImage result = new BufferedImage(outWidth, outHeight, BufferedImage.TYPE_3BYTE_BGR);
    byte[] target = ((DataBufferByte) result.getRaster().getDataBuffer()).getData();
    for (int y = 0, p = 0; y < outHeight; y++) {
      for (int x = 0; x < outWidth; x++, p += 3) {
        // the stored pixel shown at (x, y)
        int sx;
        int sy;
        switch (orientation) {
          case 2 -> { sx = width - 1 - x; sy = y; }
          case 3 -> { sx = width - 1 - x; sy = height - 1 - y; }
          case 4 -> { sx = x; sy = height - 1 - y; }
          case 5 -> { sx = y; sy = x; }
          case 6 -> { sx = y; sy = height - 1 - x; }
          case 7 -> { sx = width - 1 - y; sy = height - 1 - x; }
          default -> { sx = width - 1 - y; sy = x; } // 8
        }
        int s = (sy * width + sx) * 3;
        target[p] = source[s];
        target[p + 1] = source[s + 1];
        target[p + 2] = source[s + 2];
      }
    }
    return result;
  }

  /** {@code image} itself when it is a compact {@code TYPE_3BYTE_BGR} image, else a BGR copy. */
  static BufferedImage toBgr(BufferedImage image) {
    return isCompactBgr(image)
        ? image
        : copyRegion(image, 0, 0, image.getWidth(), image.getHeight());
  }

  /**
   * The pixels of {@code image} as interleaved B, G, R bytes, row by row without padding; the image's
   * own array when it is a compact BGR image (do not modify), else a converted copy.
   */
  static byte[] bgrBytes(BufferedImage image) {
    return ((DataBufferByte) toBgr(image).getRaster().getDataBuffer()).getData();
  }

  /** A new BGR image with the given region of {@code source}, transparency composited over white. */
  static BufferedImage copyRegion(BufferedImage source, int x, int y, int width, int height) {
    BufferedImage target = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = target.createGraphics();
    try {
      if (source.getColorModel().hasAlpha()) {
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
      }
      g.drawImage(source, 0, 0, width, height, x, y, x + width, y + height, null);
    } finally {
      g.dispose();
    }
    return target;
  }

  private static BufferedImage draw(BufferedImage source, int width, int height, Object interpolation) {
    BufferedImage target = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = target.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, interpolation);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      if (source.getColorModel().hasAlpha()) {
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
      }
      g.drawImage(source, 0, 0, width, height, null);
    } finally {
      g.dispose();
    }
    return target;
  }

  private static boolean isCompactBgr(BufferedImage image) {
    if (image.getType() != BufferedImage.TYPE_3BYTE_BGR) {
      return false;
    }
    WritableRaster raster = image.getRaster();
    return raster.getParent() == null
        && raster.getSampleModelTranslateX() == 0
        && raster.getSampleModelTranslateY() == 0
        && raster.getSampleModel() instanceof ComponentSampleModel model
        && model.getPixelStride() == 3
        && model.getScanlineStride() == 3 * image.getWidth()
        && raster.getDataBuffer().getSize() == 3 * image.getWidth() * image.getHeight()
        && raster.getDataBuffer().getNumBanks() == 1
        && raster.getDataBuffer().getOffset() == 0;
  }
}
