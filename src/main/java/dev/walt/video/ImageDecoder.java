package dev.walt.video;

import static dev.walt.video.ImageRejectedException.Reason.CORRUPT;
import static dev.walt.video.ImageRejectedException.Reason.EMPTY;
import static dev.walt.video.ImageRejectedException.Reason.TOO_LARGE_BYTES;
import static dev.walt.video.ImageRejectedException.Reason.TOO_MANY_PIXELS;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Decodes untrusted uploaded images (PNG, JPEG, WebP) into RGB pixels, refusing anything else before
 * it costs memory.
 *
 * <p>In order: the byte count is checked against {@code maxImageSize}; the format is recognised from
 * the leading bytes (a declared content type or file name is never consulted, so a PNG sent as {@code
 * image/jpeg} is read as PNG and a text file sent as {@code image/png} is refused); the width and height
 * are read from the header alone and {@code width * height} is checked against {@code maxImagePixels}, so
 * a decompression bomb (a few hundred bytes declaring 50000x50000) is refused before any pixel buffer is
 * allocated; only then are the pixels decoded, PNG and JPEG with Java's ImageIO (metadata ignored, any
 * decoder warning such as a premature end of data counts as corruption), WebP with FFmpeg. The result
 * must match the header's size. A JPEG's EXIF orientation is applied; transparency is composited over
 * white; the first frame of an animated PNG is used; animated WebP, CMYK and arithmetic-coded JPEG are
 * refused as unsupported.
 *
 * <p>Every refusal is an {@link ImageRejectedException} whose {@link ImageRejectedException.Reason}
 * tells the API which client error to answer. Safe for concurrent use.
 */
@Component
public class ImageDecoder {

  private final long maxBytes;
  private final long maxPixels;

  @Autowired
  public ImageDecoder(VideoSettings settings) {
    this(settings.maxImageSize().toBytes(), settings.maxImagePixels());
  }

  /** A decoder with explicit limits: at most {@code maxBytes} bytes and {@code maxPixels} pixels. */
  public ImageDecoder(long maxBytes, long maxPixels) {
    if (maxBytes < 1 || maxBytes > Integer.MAX_VALUE - 8 || maxPixels < 1) {
      throw new IllegalArgumentException("limits must be positive (bytes below 2 GB)");
    }
    this.maxBytes = maxBytes;
    this.maxPixels = maxPixels;
  }

  /**
   * Checks {@code data} without decoding pixels: byte limit, recognised format, well-formed header and
   * pixel limit. What {@link #decode(byte[])} does first; cheap enough to run when a request arrives.
   *
   * @return the format and the size the decoded image will have (a JPEG's EXIF orientation applied)
   * @throws ImageRejectedException with the reason of the first check that failed
   */
  public ImageHeader inspect(byte[] data) {
    ImageHeader stored = checkHeader(data);
    return orientation(data, stored) >= 5
        ? new ImageHeader(stored.format(), stored.height(), stored.width())
        : stored;
  }

  /**
   * Decodes an uploaded image after the checks of {@link #inspect}; a JPEG is turned upright as its
   * EXIF orientation says (as browsers show it).
   *
   * @return a new {@code TYPE_3BYTE_BGR} image of the size {@link #inspect} reports
   * @throws ImageRejectedException when the image is refused
   */
  public BufferedImage decode(byte[] data) {
    ImageHeader header = checkHeader(data);
    BufferedImage image =
        switch (header.format()) {
          case PNG -> decodeWithImageIo(data, "png", header);
          case JPEG -> decodeWithImageIo(data, "jpeg", header);
          case WEBP -> decodeWebp(data, header);
        };
    if (image.getWidth() != header.width() || image.getHeight() != header.height()) {
      throw new ImageRejectedException(
          CORRUPT,
          "the " + header.format() + " header says " + header.width() + "x" + header.height()
              + " but the image decodes to " + image.getWidth() + "x" + image.getHeight());
    }
    return Images.orient(Images.toBgr(image), orientation(data, header));
  }

  /** Byte limit, format, header and pixel limit; the size as stored. */
  private ImageHeader checkHeader(byte[] data) {
    if (data.length == 0) {
      throw new ImageRejectedException(EMPTY, "the image is empty");
    }
    if (data.length > maxBytes) {
      throw new ImageRejectedException(
          TOO_LARGE_BYTES, "the image has " + data.length + " bytes; at most " + maxBytes + " are accepted");
    }
    ImageHeader header = ImageHeaders.read(data);
    if (header.pixels() > maxPixels) {
      throw new ImageRejectedException(
          TOO_MANY_PIXELS,
          "the image is "
              + header.width()
              + "x"
              + header.height()
              + " ("
              + header.pixels()
              + " pixels); at most "
              + maxPixels
              + " pixels are accepted");
    }
    return header;
  }

  private static int orientation(byte[] data, ImageHeader header) {
    return header.format() == ImageFormat.JPEG ? ImageHeaders.jpegOrientation(data) : 1;
  }

  /**
   * Reads at most {@code maxImageSize + 1} bytes from {@code in} (so an endless stream costs no more)
   * and decodes them like {@link #decode(byte[])}. Does not close {@code in}.
   *
   * @throws UncheckedIOException when reading the stream fails
   */
  public BufferedImage decode(InputStream in) {
    byte[] data;
    try {
      data = in.readNBytes((int) maxBytes + 1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the uploaded image", e);
    }
    if (data.length > maxBytes) {
      throw new ImageRejectedException(
          TOO_LARGE_BYTES, "the image has more than " + maxBytes + " bytes, the most accepted");
    }
    return decode(data);
  }

  private static BufferedImage decodeWithImageIo(byte[] data, String formatName, ImageHeader header) {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(formatName);
    if (!readers.hasNext()) {
      throw new IllegalStateException("this JVM has no " + formatName + " reader");
    }
    ImageReader reader = readers.next();
    List<String> warnings = new ArrayList<>();
    reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
      reader.setInput(in, true, true); // forward only, ignore metadata (no text/ICC chunk inflation)
      if (reader.getWidth(0) != header.width() || reader.getHeight(0) != header.height()) {
        throw new ImageRejectedException(
            CORRUPT, "the " + header.format() + " headers disagree about the image size");
      }
      BufferedImage image = reader.read(0);
      if (!warnings.isEmpty()) {
        throw new ImageRejectedException(
            CORRUPT, "the " + header.format() + " image is damaged: " + warnings.get(0));
      }
      return image;
    } catch (IOException | RuntimeException e) {
      if (e instanceof ImageRejectedException rejected) {
        throw rejected;
      }
      throw new ImageRejectedException(
          CORRUPT, "the " + header.format() + " image is truncated or damaged", e);
    } finally {
      reader.dispose();
    }
  }

  private static BufferedImage decodeWebp(byte[] data, ImageHeader header) {
    Frames.init();
    InputStream in = new ByteArrayInputStream(data, 0, ImageHeaders.webpLength(data));
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(in)) {
      grabber.setFormat("webp_pipe");
      grabber.setImageMode(FrameGrabber.ImageMode.COLOR);
      grabber.setPixelFormat(avutil.AV_PIX_FMT_RGBA); // keep the alpha channel, composited below
      grabber.start();
      Frame frame = grabber.grabImage();
      if (frame == null || frame.image == null) {
        throw new ImageRejectedException(CORRUPT, "the WebP image has no decodable picture");
      }
      return Frames.toImage(frame, 4);
    } catch (IOException | RuntimeException e) {
      if (e instanceof ImageRejectedException rejected) {
        throw rejected;
      }
      throw new ImageRejectedException(CORRUPT, "the WebP image is truncated or damaged", e);
    }
  }
}
