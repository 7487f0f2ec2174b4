package dev.walt.video;

import static dev.walt.video.ImageRejectedException.Reason.CORRUPT;
import static dev.walt.video.ImageRejectedException.Reason.UNSUPPORTED_FORMAT;

import dev.walt.video.ImageRejectedException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;

/**
 * Recognises PNG, JPEG and WebP from their leading bytes and reads the pixel size from the header
 * alone: PNG's IHDR chunk, JPEG's SOF segment, WebP's VP8X/VP8/VP8L header. Nothing is decompressed.
 */
final class ImageHeaders {

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  /** Most scans accepted in a JPEG (libjpeg-turbo's tools suggest a limit of this order). */
  static final int MAX_JPEG_SCANS = 256;

  private ImageHeaders() {}

  /** The format from the magic bytes, or {@code null}. */
  static @Nullable ImageFormat sniff(byte[] data) {
    if (startsWith(data, 0, PNG_SIGNATURE)) {
      return ImageFormat.PNG;
    }
    if (data.length >= 3 && u8(data, 0) == 0xff && u8(data, 1) == 0xd8 && u8(data, 2) == 0xff) {
      return ImageFormat.JPEG;
    }
    if (startsWith(data, 0, ascii("RIFF")) && startsWith(data, 8, ascii("WEBP"))) {
      return ImageFormat.WEBP;
    }
    return null;
  }

  /** Sniffs the format and reads the size; refuses unknown formats and malformed headers. */
  static ImageHeader read(byte[] data) {
    ImageFormat format = sniff(data);
    if (format == null && looksCut(data)) {
      throw corrupt("the image is truncated inside its signature");
    }
    if (format == null) {
      throw new ImageRejectedException(
          UNSUPPORTED_FORMAT, describeUnknown(data) + "; only PNG, JPEG and WebP images are accepted");
    }
    return switch (format) {
      case PNG -> png(data);
      case JPEG -> jpeg(data);
      case WEBP -> webp(data);
    };
  }

  /**
   * The number of leading bytes that make up a WebP file: its RIFF size plus the 8-byte RIFF header
   * (anything after is ignored). Only valid after {@link #read} accepted the data.
   */
  static int webpLength(byte[] data) {
    return (int) (le32(data, 4) + 8);
  }

  private static ImageHeader png(byte[] data) {
    // signature (8), IHDR length (4) = 13, "IHDR" (4), width (4), height (4), 5 more bytes, CRC (4)
    if (data.length < 33) {
      throw corrupt("PNG is truncated before the end of its header");
    }
    if (be32(data, 8) != 13 || !startsWith(data, 12, ascii("IHDR"))) {
      throw corrupt("PNG does not start with an IHDR chunk");
    }
    CRC32 crc = new CRC32();
    crc.update(data, 12, 17);
    if (crc.getValue() != be32(data, 29)) {
      throw corrupt("PNG header checksum does not match");
    }
    long width = be32(data, 16);
    long height = be32(data, 20);
    if (width == 0 || height == 0 || width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
      throw corrupt("PNG header declares an invalid size " + width + "x" + height);
    }
    return new ImageHeader(ImageFormat.PNG, (int) width, (int) height);
  }

  private static ImageHeader jpeg(byte[] data) {
    int pos = 2; // after SOI
    while (true) {
      // a marker: one or more 0xFF fill bytes, then the marker code
      if (pos >= data.length || u8(data, pos) != 0xff) {
        throw corrupt("JPEG is truncated or malformed before its frame header");
      }
      while (pos < data.length && u8(data, pos) == 0xff) {
        pos++;
      }
      if (pos >= data.length) {
        throw corrupt("JPEG is truncated before its frame header");
      }
      int marker = u8(data, pos++);
      if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        continue; // TEM and RSTn stand alone
      }
      if (marker == 0xd8 || marker == 0xd9 || marker == 0xda || marker == 0x00) {
        throw corrupt("JPEG has no frame header before its image data");
      }
      if (pos + 2 > data.length) {
        throw corrupt("JPEG is truncated inside a segment header");
      }
      int length = u16(data, pos);
      if (length < 2 || pos + length > data.length) {
        throw corrupt("JPEG segment length is invalid or runs past the end of the data");
      }
      if (isStartOfFrame(marker)) {
        if (length < 8) {
          throw corrupt("JPEG frame header is too short");
        }
        int precision = u8(data, pos + 2);
        int height = u16(data, pos + 3);
        int width = u16(data, pos + 5);
        int components = u8(data, pos + 7);
        if (marker != 0xc0 && marker != 0xc1 && marker != 0xc2) {
          throw new ImageRejectedException(
              UNSUPPORTED_FORMAT,
              "JPEG uses a coding process other than baseline, extended or progressive Huffman"
                  + " (SOF 0x"
                  + Integer.toHexString(marker)
                  + "); save it as a standard JPEG");
        }
        if (precision != 8) {
          throw new ImageRejectedException(
              UNSUPPORTED_FORMAT,
              "JPEG with " + precision + "-bit samples is not supported; save it with 8 bits");
        }
        if (components != 1 && components != 3) {
          throw new ImageRejectedException(
              UNSUPPORTED_FORMAT,
              "JPEG with " + components + " colour components (e.g. CMYK) is not supported; save it as RGB");
        }
        if (width == 0 || height == 0) {
          throw corrupt("JPEG frame header declares an invalid size " + width + "x" + height);
        }
        int scans = countScans(data, pos + length);
        if (scans > MAX_JPEG_SCANS) {
          throw corrupt(
              "JPEG has " + scans + " scans; at most " + MAX_JPEG_SCANS + " are accepted");
        }
        return new ImageHeader(ImageFormat.JPEG, width, height);
      }
      pos += length;
    }
  }

  /**
   * The EXIF orientation (1..8, 1 = as stored) of a JPEG that {@link #read} accepted: tag 0x0112 of
   * IFD0 in an APP1 "Exif" segment before the frame header. Anything missing, malformed or out of range
   * counts as 1; a damaged EXIF block never refuses an image.
   */
  static int jpegOrientation(byte[] data) {
    int pos = 2;
    while (pos + 4 <= data.length && u8(data, pos) == 0xff) {
      while (pos < data.length && u8(data, pos) == 0xff) {
        pos++;
      }
      if (pos + 3 > data.length) {
        return 1;
      }
      int marker = u8(data, pos++);
      if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        continue;
      }
      if (isStartOfFrame(marker) || marker == 0xda || marker == 0xd9) {
        return 1;
      }
      int length = u16(data, pos);
      if (length < 2 || pos + length > data.length) {
        return 1;
      }
      if (marker == 0xe1 && length >= 8 && startsWith(data, pos + 2, ascii("Exif\0\0"))) {
        int orientation = exifOrientation(data, pos + 8, pos + length);
        if (orientation != 0) {
          return orientation;
        }
      }
      pos += length;
    }
    return 1;
  }

  /** Orientation from the TIFF structure in {@code data[tiff, end)}, or 0 when absent or invalid. */
  private static int exifOrientation(byte[] data, int tiff, int end) {
    if (tiff + 8 > end) {
      return 0;
    }
    boolean little;
    if (startsWith(data, tiff, ascii("II*\0"))) {
      little = true;
    } else if (startsWith(data, tiff, ascii("MM\0*"))) {
      little = false;
    } else {
      return 0;
    }
    long ifd = tiff + (little ? le32(data, tiff + 4) : be32(data, tiff + 4));
    if (ifd + 2 > end) {
      return 0;
    }
    int entries = little ? u16le(data, (int) ifd) : u16(data, (int) ifd);
    for (int i = 0; i < entries; i++) {
      int entry = (int) ifd + 2 + 12 * i;
      if (entry + 12 > end) {
        return 0;
      }
      int tag = little ? u16le(data, entry) : u16(data, entry);
      int type = little ? u16le(data, entry + 2) : u16(data, entry + 2);
      if (tag == 0x0112 && type == 3) { // Orientation, SHORT
        int value = little ? u16le(data, entry + 8) : u16(data, entry + 8);
        return value >= 1 && value <= 8 ? value : 0;
      }
    }
    return 0;
  }

  /**
   * Start-of-scan markers from {@code from} on. Entropy-coded data stuffs every 0xFF with 0x00, so FF DA
   * only occurs as a real marker. Progressive files have about ten scans; thousands of tiny ones are a
   * known way to make a small file take minutes to decode.
   */
  private static int countScans(byte[] data, int from) {
    int scans = 0;
    for (int i = from; i + 1 < data.length; i++) {
      if (data[i] == (byte) 0xff && data[i + 1] == (byte) 0xda) {
        scans++;
      }
    }
    return scans;
  }

  private static boolean isStartOfFrame(int marker) {
    return marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
  }

  private static ImageHeader webp(byte[] data) {
    // "RIFF", size (LE32, counts from byte 8), "WEBP", then chunks: fourcc, size (LE32), payload, pad
    if (data.length < 20) {
      throw corrupt("WebP is truncated before its first chunk");
    }
    long riffEnd = le32(data, 4) + 8;
    if (riffEnd > data.length) {
      throw corrupt("WebP is truncated: its header announces " + riffEnd + " bytes, got " + data.length);
    }
    int end = (int) riffEnd;
    String first = fourcc(data, 12);
    long firstSize = le32(data, 16);
    if (20 + firstSize > end) {
      throw corrupt("WebP chunk " + first.trim() + " runs past the end of the file");
    }
    switch (first) {
      case "VP8 ", "VP8L" -> {
        return bitstream(data, 12, end);
      }
      case "VP8X" -> {
        if (firstSize < 10) {
          throw corrupt("WebP extended header is too short");
        }
        int flags = u8(data, 20);
        if ((flags & 0x02) != 0) {
          throw new ImageRejectedException(
              UNSUPPORTED_FORMAT, "animated WebP is not supported; upload a still image");
        }
        int width = (int) (le24(data, 24) + 1);
        int height = (int) (le24(data, 27) + 1);
        // the canvas size is only a claim: the decoder allocates what the bitstream header says, so
        // find the image chunk and require the two to agree
        long pos = 20 + firstSize + (firstSize & 1);
        while (pos + 8 <= end) {
          String id = fourcc(data, (int) pos);
          long size = le32(data, (int) pos + 4);
          if (pos + 8 + size > end) {
            throw corrupt("WebP chunk " + id.trim() + " runs past the end of the file");
          }
          if (id.equals("VP8 ") || id.equals("VP8L")) {
            ImageHeader image = bitstream(data, (int) pos, end);
            if (image.width() != width || image.height() != height) {
              throw corrupt(
                  "WebP canvas is " + width + "x" + height + " but its image is " + image.width() + "x"
                      + image.height());
            }
            return image;
          }
          pos += 8 + size + (size & 1);
        }
        throw corrupt("WebP has no image data");
      }
      default -> throw corrupt("WebP starts with an unknown chunk '" + first.trim() + "'");
    }
  }

  /** Reads the size from a "VP8 " (lossy) or "VP8L" (lossless) chunk starting at {@code chunk}. */
  private static ImageHeader bitstream(byte[] data, int chunk, int end) {
    String id = fourcc(data, chunk);
    int payload = chunk + 8;
    long size = le32(data, chunk + 4);
    if (id.equals("VP8L")) {
      // signature 0x2f, then 14 bits width-1, 14 bits height-1, 1 bit alpha, 3 bits version (= 0)
      if (size < 5 || payload + 5 > end || u8(data, payload) != 0x2f) {
        throw corrupt("WebP lossless header is malformed");
      }
      long bits = le32(data, payload + 1);
      if ((bits >>> 29) != 0) {
        throw corrupt("WebP lossless header has an unknown version");
      }
      int width = (int) (bits & 0x3fff) + 1;
      int height = (int) ((bits >>> 14) & 0x3fff) + 1;
      return new ImageHeader(ImageFormat.WEBP, width, height);
    }
    // VP8 key frame: 3-byte frame tag (bit 0 clear on key frames), start code 9d 01 2a, then
    // 16-bit little-endian width and height whose top two bits are a scaling hint
    if (size < 10 || payload + 10 > end) {
      throw corrupt("WebP lossy header is truncated");
    }
    if ((u8(data, payload) & 1) != 0) {
      throw corrupt("WebP lossy image does not start with a key frame");
    }
    if (u8(data, payload + 3) != 0x9d || u8(data, payload + 4) != 0x01 || u8(data, payload + 5) != 0x2a) {
      throw corrupt("WebP lossy header has no VP8 start code");
    }
    int width = u16le(data, payload + 6) & 0x3fff;
    int height = u16le(data, payload + 8) & 0x3fff;
    if (width == 0 || height == 0) {
      throw corrupt("WebP lossy header declares an invalid size " + width + "x" + height);
    }
    return new ImageHeader(ImageFormat.WEBP, width, height);
  }

  /** A PNG signature cut short, or a RIFF header cut before its form type. */
  private static boolean looksCut(byte[] data) {
    if (data.length >= 2 && data.length < PNG_SIGNATURE.length) {
      return startsWith(PNG_SIGNATURE, 0, data);
    }
    return data.length < 12 && startsWith(data, 0, ascii("RIFF"));
  }

  private static String describeUnknown(byte[] data) {
    if (data.length >= 6 && (startsWith(data, 0, ascii("GIF87a")) || startsWith(data, 0, ascii("GIF89a")))) {
      return "GIF images are not supported";
    }
    if (data.length >= 2 && startsWith(data, 0, ascii("BM"))) {
      return "BMP images are not supported";
    }
    if (startsWith(data, 0, ascii("II*\0")) || startsWith(data, 0, ascii("MM\0*"))) {
      return "TIFF images are not supported";
    }
    if (startsWith(data, 4, ascii("ftyp"))) {
      return "HEIF/AVIF images are not supported";
    }
    return "the data is not a recognised image";
  }

  private static ImageRejectedException corrupt(String message) {
    return new ImageRejectedException(Reason.CORRUPT, message);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static boolean startsWith(byte[] data, int offset, byte[] prefix) {
    if (data.length < offset + prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (data[offset + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static String fourcc(byte[] data, int offset) {
    return new String(data, offset, 4, StandardCharsets.ISO_8859_1);
  }

  private static int u8(byte[] data, int offset) {
    return data[offset] & 0xff;
  }

  private static int u16(byte[] data, int offset) {
    return (u8(data, offset) << 8) | u8(data, offset + 1);
  }

  private static int u16le(byte[] data, int offset) {
    return u8(data, offset) | (u8(data, offset + 1) << 8);
  }

  private static long le24(byte[] data, int offset) {
    return u8(data, offset) | (u8(data, offset + 1) << 8) | ((long) u8(data, offset + 2) << 16);
  }

  private static long le32(byte[] data, int offset) {
    return le24(data, offset) | ((long) u8(data, offset + 3) << 24);
  }

  private static long be32(byte[] data, int offset) {
    return ((long) u8(data, offset) << 24)
        | (u8(data, offset + 1) << 16)
        | (u8(data, offset + 2) << 8)
        | u8(data, offset + 3);
  }
}
