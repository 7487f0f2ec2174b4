package dev.walt.world;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.ArrayList;
import java.util.List;

/**
 * Frames and the model's pixel arrays. A clip crosses into the model as a float array laid out {@code (3, T,
 * H, W)} (channel-major, RGB) with values in [-1, 1]: {@code v = c / 127.5 - 1} for an 8-bit value {@code c};
 * back, {@code c = round((v + 1) * 127.5)} clamped to [0, 255].
 */
public final class Frames {

  private Frames() {}

  /** Frames (all the same size) as a new {@code (3, T, H, W)} array in [-1, 1]. */
  public static float[] toArray(List<BufferedImage> frames) {
    BufferedImage first = frames.get(0);
    float[] out = new float[3 * frames.size() * first.getHeight() * first.getWidth()];
    toArray(frames, out, 0);
    return out;
  }

  /** Writes frames (all the same size) as {@code (3, T, H, W)} in [-1, 1] into {@code dst} at {@code offset}. */
  public static void toArray(List<BufferedImage> frames, float[] dst, int offset) {
    int t = frames.size();
    int h = frames.get(0).getHeight();
    int w = frames.get(0).getWidth();
    int plane = t * h * w;
    int[] row = new int[w];
    for (int f = 0; f < t; f++) {
      BufferedImage image = frames.get(f);
      if (image.getWidth() != w || image.getHeight() != h) {
        throw new IllegalArgumentException("frames differ in size");
      }
      for (int y = 0; y < h; y++) {
        image.getRGB(0, y, w, 1, row, 0, w);
        int base = offset + (f * h + y) * w;
        for (int x = 0; x < w; x++) {
          int p = row[x];
          dst[base + x] = value((p >> 16) & 0xff);
          dst[base + plane + x] = value((p >> 8) & 0xff);
          dst[base + 2 * plane + x] = value(p & 0xff);
        }
      }
    }
  }

  /** A {@code (3, T, H, W)} array in [-1, 1] (values outside are clamped) as RGB frames. */
  public static List<BufferedImage> fromArray(float[] data, int frames, int height, int width) {
    return fromArray(data, 0, frames, height, width);
  }

  /** The {@code (3, T, H, W)} array starting at {@code offset} of {@code data} as RGB frames. */
  public static List<BufferedImage> fromArray(float[] data, int offset, int frames, int height, int width) {
    int plane = frames * height * width;
    if (offset < 0 || offset + 3 * plane > data.length) {
      throw new IllegalArgumentException("array too short for (3, " + frames + ", " + height + ", " + width + ")");
    }
    List<BufferedImage> out = new ArrayList<>(frames);
    int[] row = new int[width];
    for (int f = 0; f < frames; f++) {
      BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < height; y++) {
        int base = offset + (f * height + y) * width;
        for (int x = 0; x < width; x++) {
          row[x] = (toByte(data[base + x]) << 16) | (toByte(data[base + plane + x]) << 8)
              | toByte(data[base + 2 * plane + x]);
        }
        image.setRGB(0, y, width, 1, row, 0, width);
      }
      out.add(image);
    }
    return out;
  }

  /** An 8-bit value 0..255 as the model's value in [-1, 1]. */
  public static float value(int c) {
    return c / 127.5f - 1f;
  }

  /** A model value as an 8-bit value, rounded and clamped to [0, 255]. */
  public static int toByte(float v) {
    long c = Math.round((v + 1.0) * 127.5);
    return (int) Math.max(0, Math.min(255, c));
  }

  /**
   * Area-average down-sampling of a square image by an integer factor ({@code size} must divide the side):
   * each output pixel is the mean of its block, rounded half up. Returns the image itself at full size.
   */
  public static BufferedImage downsample(BufferedImage src, int size) {
    int n = src.getWidth();
    if (src.getHeight() != n || size < 1 || n % size != 0) {
      throw new IllegalArgumentException(
          "cannot area-average a " + n + "x" + src.getHeight() + " image to " + size + "x" + size);
    }
    if (size == n) {
      return src;
    }
    int k = n / size;
    int[] pixels = src.getType() == BufferedImage.TYPE_INT_RGB ? data(src) : src.getRGB(0, 0, n, n, null, 0, n);
    int[] out = new int[size * size];
    int count = k * k;
    int half = count / 2;
    for (int oy = 0; oy < size; oy++) {
      for (int ox = 0; ox < size; ox++) {
        int r = 0;
        int g = 0;
        int b = 0;
        for (int y = oy * k; y < (oy + 1) * k; y++) {
          int base = y * n + ox * k;
          for (int x = 0; x < k; x++) {
            int p = pixels[base + x];
            r += (p >> 16) & 0xff;
            g += (p >> 8) & 0xff;
            b += p & 0xff;
          }
        }
        out[oy * size + ox] = (((r + half) / count) << 16) | (((g + half) / count) << 8) | ((b + half) / count);
      }
    }
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    System.arraycopy(out, 0, data(image), 0, out.length);
    return image;
  }

  /** {@link #downsample(BufferedImage, int)} of every frame. */
  public static List<BufferedImage> downsample(List<BufferedImage> frames, int size) {
    List<BufferedImage> out = new ArrayList<>(frames.size());
    for (BufferedImage frame : frames) {
      out.add(downsample(frame, size));
    }
    return out;
  }

  /** The pixel array behind a {@link BufferedImage#TYPE_INT_RGB} image ({@code 0xRRGGBB}, row-major). */
  static int[] data(BufferedImage image) {
    return ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
  }

  static void checkResolution(int resolution) {
    if (resolution < 1 || World.RESOLUTION % resolution != 0) {
      throw new IllegalArgumentException("resolution must divide " + World.RESOLUTION + ": " + resolution);
    }
  }
}
