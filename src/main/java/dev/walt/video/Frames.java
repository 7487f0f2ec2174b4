package dev.walt.video;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.javacv.Frame;

/** Copies between Java images and FFmpeg frames, and the shared FFmpeg set-up of this package. */
final class Frames {

  static {
    // FFmpeg logs to stderr natively; keep it to real errors (failures also surface as exceptions).
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
  }

  /**
   * swscale flags for every RGB/YUV conversion: filtered chroma on input and output (the defaults drop
   * every other chroma sample and repeat it back) and accurate rounding; costs little at our sizes and
   * was worth 2 to 3 dB of PSNR on coloured edges in our tests.
   */
  static final int SCALING_FLAGS =
      swscale.SWS_BICUBIC
          | swscale.SWS_ACCURATE_RND
          | swscale.SWS_FULL_CHR_H_INT
          | swscale.SWS_FULL_CHR_H_INP;

  private Frames() {}

  /** Makes sure the static set-up above ran (call before the first FFmpeg object of a call). */
  static void init() {}

  /**
   * Copies a BGR image (see {@link Images#bgrBytes}) into an 8-bit 3-channel frame that is as large or
   * up to one pixel wider and taller; the extra column and row repeat the image's last ones (so odd
   * sizes can be encoded as even ones without a visible border).
   */
  static void copyInto(BufferedImage image, Frame frame) {
    int width = image.getWidth();
    int height = image.getHeight();
    int padX = frame.imageWidth - width;
    int padY = frame.imageHeight - height;
    if (padX < 0 || padX > 1 || padY < 0 || padY > 1 || frame.imageChannels != 3) {
      throw new IllegalArgumentException(
          "frame " + frame.imageWidth + "x" + frame.imageHeight + "x" + frame.imageChannels
              + " does not fit image " + width + "x" + height);
    }
    byte[] bgr = Images.bgrBytes(image);
    int rowBytes = width * 3;
    ByteBuffer target = (ByteBuffer) frame.image[0];
    int stride = frame.imageStride;
    for (int y = 0; y < height; y++) {
      target.put(y * stride, bgr, y * rowBytes, rowBytes);
      if (padX == 1) {
        target.put(y * stride + rowBytes, bgr, y * rowBytes + rowBytes - 3, 3);
      }
    }
    if (padY == 1) {
      byte[] last = new byte[rowBytes + 3 * padX];
      target.get((height - 1) * stride, last);
      target.put(height * stride, last);
    }
  }

  /**
   * A new BGR image from a grabbed 8-bit frame holding BGR24 ({@code channels} 3) or RGBA ({@code
   * channels} 4; transparency composited over white). The channel count must come from the pixel format
   * the grabber was asked for: JavaCV derives {@code imageChannels} from the row stride, which it pads.
   */
  static BufferedImage toImage(Frame frame, int channels) {
    int width = frame.imageWidth;
    int height = frame.imageHeight;
    if (frame.imageDepth != Frame.DEPTH_UBYTE || (channels != 3 && channels != 4)) {
      throw new IllegalStateException(
          "expected an 8-bit BGR or RGBA frame, got depth " + frame.imageDepth + " x" + channels);
    }
    if (frame.imageStride < width * channels) {
      throw new IllegalStateException(
          "frame stride " + frame.imageStride + " is too small for " + width + " pixels x" + channels);
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    ByteBuffer source = (ByteBuffer) frame.image[0];
    int stride = frame.imageStride;
    if (channels == 3) {
      int rowBytes = width * 3;
      for (int y = 0; y < height; y++) {
        source.get(y * stride, bgr, y * rowBytes, rowBytes);
      }
      return image;
    }
    byte[] row = new byte[width * 4];
    for (int y = 0, p = 0; y < height; y++) {
      source.get(y * stride, row, 0, row.length);
      for (int x = 0; x < width; x++, p += 3) {
        int alpha = row[4 * x + 3] & 0xff;
        bgr[p] = over(row[4 * x + 2], alpha);
        bgr[p + 1] = over(row[4 * x + 1], alpha);
        bgr[p + 2] = over(row[4 * x], alpha);
      }
    }
    return image;
  }

  /** {@code value} with {@code alpha} (0..255) over white, rounded. */
  private static byte over(byte value, int alpha) {
    return (byte) (((value & 0xff) * alpha + 255 * (255 - alpha) + 127) / 255);
  }

  /** A new empty temporary file, for FFmpeg muxers that must seek in their output. */
  static Path tempFile(String suffix) {
    try {
      return Files.createTempFile("walt-video-", suffix);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary file for video encoding", e);
    }
  }

  static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // best effort: a leftover temporary file is harmless
    }
  }
}
