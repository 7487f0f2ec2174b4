package dev.walt.video;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.ArrayList;
import java.util.List;

/**
 * A short video in memory: frames of one size, shown at {@code fps} frames per second. An image is a
 * one-frame clip.
 *
 * <p>The model works on float32 arrays laid out {@code (3, T, H, W)} (channel-major, RGB, values in
 * [-1, 1]); {@link #fromRgb} and {@link #toRgb()} convert between the two. Byte value {@code b} maps to
 * {@code b / 127.5 - 1} and back with rounding and clamping, so bytes survive a round trip exactly.
 *
 * @param frames the frames, at least one, all of the same width and height (the list is copied; the
 *     images are not)
 * @param fps frames per second, 1..240
 */
public record Clip(List<BufferedImage> frames, int fps) {

  /** Highest accepted frame rate. */
  public static final int MAX_FPS = 240;

  public Clip {
    frames = List.copyOf(frames);
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("a clip needs at least one frame");
    }
    if (fps < 1 || fps > MAX_FPS) {
      throw new IllegalArgumentException("fps must be 1.." + MAX_FPS + ", was " + fps);
    }
    int width = frames.get(0).getWidth();
    int height = frames.get(0).getHeight();
    for (int t = 1; t < frames.size(); t++) {
      BufferedImage frame = frames.get(t);
      if (frame.getWidth() != width || frame.getHeight() != height) {
        throw new IllegalArgumentException(
            "frame "
                + t
                + " is "
                + frame.getWidth()
                + "x"
                + frame.getHeight()
                + ", frame 0 is "
                + width
                + "x"
                + height);
      }
    }
  }

  /** Frame width in pixels. */
  public int width() {
    return frames.get(0).getWidth();
  }

  /** Frame height in pixels. */
  public int height() {
    return frames.get(0).getHeight();
  }

  /** Number of frames (T). */
  public int frameCount() {
    return frames.size();
  }

  /** Length in seconds: frames / fps. */
  public double durationSeconds() {
    return (double) frames.size() / fps;
  }

  /**
   * Builds a clip from a float array laid out {@code (3, T, H, W)}: RGB planes, values in [-1, 1]
   * (values outside are clamped, NaN becomes -1).
   *
   * @param rgb the data; exactly {@code 3 * frames * height * width} floats
   */
  public static Clip fromRgb(float[] rgb, int frames, int height, int width, int fps) {
    long size = 3L * frames * height * width;
    if (rgb.length != size) {
      throw new IllegalArgumentException(
          "expected 3*" + frames + "*" + height + "*" + width + " = " + size + " floats, got " + rgb.length);
    }
    return fromRgb(rgb, 0, frames, height, width, fps);
  }

  /**
   * Builds a clip from one video inside a larger float array, e.g. item {@code b} of a {@code (B, 3, T,
   * H, W)} batch at {@code offset = b * 3 * T * H * W}.
   *
   * @param rgb {@code (3, T, H, W)} RGB values in [-1, 1] starting at {@code offset}
   */
  public static Clip fromRgb(float[] rgb, int offset, int frames, int height, int width, int fps) {
    if (frames < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "frames, height and width must be positive: " + frames + ", " + height + ", " + width);
    }
    long plane = (long) height * width;
    long channel = frames * plane;
    if (offset < 0 || offset + 3 * channel > rgb.length) {
      throw new IllegalArgumentException(
          "(3, " + frames + ", " + height + ", " + width + ") at offset " + offset
              + " does not fit in " + rgb.length + " floats");
    }
    List<BufferedImage> images = new ArrayList<>(frames);
    for (int t = 0; t < frames; t++) {
      BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
      byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
      int r = (int) (offset + t * plane);
      int g = (int) (r + channel);
      int b = (int) (g + channel);
      for (int i = 0, p = 0; i < plane; i++, p += 3) {
        bgr[p] = toByte(rgb[b + i]);
        bgr[p + 1] = toByte(rgb[g + i]);
        bgr[p + 2] = toByte(rgb[r + i]);
      }
      images.add(image);
    }
    return new Clip(images, fps);
  }

  /** The frames as a new {@code (3, T, H, W)} float array: RGB planes, values in [-1, 1]. */
  public float[] toRgb() {
    float[] rgb = new float[Math.toIntExact(3L * frameCount() * height() * width())];
    toRgb(rgb, 0);
    return rgb;
  }

  /**
   * Writes the frames as {@code (3, T, H, W)} RGB values in [-1, 1] into {@code target} from {@code
   * offset} on (e.g. one item of a training batch).
   */
  public void toRgb(float[] target, int offset) {
    int plane = width() * height();
    long channel = (long) frameCount() * plane;
    if (offset < 0 || offset + 3 * channel > target.length) {
      throw new IllegalArgumentException(
          "(3, " + frameCount() + ", " + height() + ", " + width() + ") at offset " + offset
              + " does not fit in " + target.length + " floats");
    }
    for (int t = 0; t < frameCount(); t++) {
      byte[] bgr = Images.bgrBytes(frames.get(t));
      int r = (int) (offset + (long) t * plane);
      int g = (int) (r + channel);
      int b = (int) (g + channel);
      for (int i = 0, p = 0; i < plane; i++, p += 3) {
        target[b + i] = toUnit(bgr[p]);
        target[g + i] = toUnit(bgr[p + 1]);
        target[r + i] = toUnit(bgr[p + 2]);
      }
    }
  }

  /** [-1, 1] to 0..255, rounded to nearest, clamped. */
  static byte toByte(float value) {
    float scaled = (value + 1f) * 127.5f;
    if (!(scaled > 0f)) { // also NaN
      return 0;
    }
    if (scaled >= 255f) {
      return (byte) 255;
    }
    return (byte) Math.round(scaled);
  }

  /** 0..255 (unsigned byte) to [-1, 1]. */
  static float toUnit(byte value) {
    return (value & 0xff) / 127.5f - 1f;
  }
}
