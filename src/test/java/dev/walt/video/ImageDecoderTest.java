package dev.walt.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walt.video.ImageRejectedException.Reason;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

  private final ImageDecoder decoder = new ImageDecoder(VideoSettings.defaults());
  private final BufferedImage picture = TestMedia.patternFrame(200, 150, 3, 10);

  // ---- formats ---------------------------------------------------------------------------------

  @Test
  void pngDecodesToTheExactPixels() throws IOException {
    byte[] png = png(picture);

    BufferedImage image = decoder.decode(png);

    assertThat(decoder.inspect(png)).isEqualTo(new ImageHeader(ImageFormat.PNG, 200, 150));
    assertThat(image.getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
    assertThat(TestMedia.psnr(picture, image)).isInfinite();
  }

  @Test
  void pngTransparencyIsCompositedOverWhite() throws IOException {
    BufferedImage argb = new BufferedImage(4, 2, BufferedImage.TYPE_INT_ARGB);
    argb.setRGB(0, 0, 0xff102030); // opaque
    argb.setRGB(1, 0, 0x00102030); // fully transparent
    argb.setRGB(2, 0, 0x80000000); // half-transparent black

    BufferedImage image = decoder.decode(png(argb));

    assertThat(image.getRGB(0, 0) & 0xffffff).isEqualTo(0x102030);
    assertThat(image.getRGB(1, 0) & 0xffffff).isEqualTo(0xffffff);
    assertThat(image.getRGB(2, 0) & 0xff).isBetween(0x7e, 0x80);
  }

  @Test
  void grayPngBecomesRgb() throws IOException {
    BufferedImage gray = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
    gray.getRaster().setSample(1, 0, 0, 200);

    BufferedImage image = decoder.decode(png(gray));

    assertThat(image.getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
    assertThat(image.getRGB(0, 0) & 0xffffff).isEqualTo(0);
    int rgb = image.getRGB(1, 0);
    assertThat(rgb & 0xff).isEqualTo((rgb >> 8) & 0xff).isEqualTo((rgb >> 16) & 0xff).isGreaterThan(150);
  }

  @Test
  void jpegDecodes() throws IOException {
    byte[] jpeg = jpeg(picture, 0.95f);

    BufferedImage image = decoder.decode(jpeg);

    assertThat(decoder.inspect(jpeg)).isEqualTo(new ImageHeader(ImageFormat.JPEG, 200, 150));
    assertThat(image.getWidth()).isEqualTo(200);
    assertThat(image.getHeight()).isEqualTo(150);
    assertThat(TestMedia.psnr(picture, image)).isGreaterThan(35);
  }

  @Test
  void lossyWebpDecodes() throws IOException {
    byte[] webp = TestMedia.webp(picture, false, false);
    assertThat(new String(webp, 12, 4, StandardCharsets.US_ASCII)).isEqualTo("VP8 ");

    BufferedImage image = decoder.decode(webp);

    assertThat(decoder.inspect(webp)).isEqualTo(new ImageHeader(ImageFormat.WEBP, 200, 150));
    assertThat(TestMedia.psnr(picture, image)).isGreaterThan(30);
  }

  @Test
  void losslessWebpDecodesToTheExactPixels() throws IOException {
    byte[] webp = TestMedia.webp(picture, true, false);
    assertThat(new String(webp, 12, 4, StandardCharsets.US_ASCII)).isEqualTo("VP8L");

    BufferedImage image = decoder.decode(webp);

    assertThat(decoder.inspect(webp)).isEqualTo(new ImageHeader(ImageFormat.WEBP, 200, 150));
    assertThat(TestMedia.psnr(picture, image)).isInfinite();
  }

  @Test
  void extendedWebpWithAlphaIsCompositedOverWhite() throws IOException {
    BufferedImage red = TestMedia.solid(64, 32, new Color(200, 20, 20));
    byte[] webp = TestMedia.webp(red, false, true);
    assertThat(new String(webp, 12, 4, StandardCharsets.US_ASCII)).isEqualTo("VP8X");

    BufferedImage image = decoder.decode(webp);

    assertThat(decoder.inspect(webp)).isEqualTo(new ImageHeader(ImageFormat.WEBP, 64, 32));
    BufferedImage opaque = image.getSubimage(0, 0, 24, 32);
    assertThat(TestMedia.psnr(red.getSubimage(0, 0, 24, 32), opaque)).isGreaterThan(30);
    BufferedImage white = TestMedia.solid(24, 32, Color.WHITE);
    assertThat(TestMedia.psnr(white, image.getSubimage(40, 0, 24, 32))).isGreaterThan(40);
  }

  @Test
  void jpegExifOrientationIsAppliedSoTheImageShowsUpright() throws IOException {
    // stored 40x20: left half red, right half blue
    BufferedImage stored = TestMedia.solid(40, 20, Color.RED);
    java.awt.Graphics2D g = stored.createGraphics();
    g.setColor(Color.BLUE);
    g.fillRect(20, 0, 20, 20);
    g.dispose();
    byte[] plain = jpeg(stored, 0.95f);

    // orientation -> (displayed width, height, colour at the displayed top-left, at the bottom-right)
    int[][] expectations = {
      {1, 40, 20, 0xff0000, 0x0000ff},
      {2, 40, 20, 0x0000ff, 0xff0000},
      {3, 40, 20, 0x0000ff, 0xff0000},
      {4, 40, 20, 0xff0000, 0x0000ff},
      {5, 20, 40, 0xff0000, 0x0000ff},
      {6, 20, 40, 0xff0000, 0x0000ff},
      {7, 20, 40, 0x0000ff, 0xff0000},
      {8, 20, 40, 0x0000ff, 0xff0000},
    };
    for (int[] e : expectations) {
      for (boolean little : new boolean[] {true, false}) {
        byte[] jpeg = withExifOrientation(plain, e[0], little);
        BufferedImage image = decoder.decode(jpeg);
        assertThat(decoder.inspect(jpeg)).isEqualTo(new ImageHeader(ImageFormat.JPEG, e[1], e[2]));
        assertThat(image.getWidth()).as("orientation %d width", e[0]).isEqualTo(e[1]);
        assertThat(image.getHeight()).as("orientation %d height", e[0]).isEqualTo(e[2]);
        assertNear(image.getRGB(2, 2), e[3], "orientation " + e[0] + " top-left");
        assertNear(image.getRGB(e[1] - 3, e[2] - 3), e[4], "orientation " + e[0] + " bottom-right");
      }
    }
    // rotate 90 clockwise (6) puts the stored top-left pixel at the displayed top-right
    stored.setRGB(0, 0, 0x00ff00);
    stored.setRGB(1, 0, 0x00ff00);
    stored.setRGB(0, 1, 0x00ff00);
    stored.setRGB(1, 1, 0x00ff00);
    BufferedImage rotated = decoder.decode(withExifOrientation(jpeg(stored, 1f), 6, false));
    assertThat((rotated.getRGB(19, 0) >> 8) & 0xff).isGreaterThan(128);
  }

  @Test
  void damagedExifIsIgnoredNotFatal() throws IOException {
    byte[] jpeg = withExifOrientation(jpeg(picture, 0.9f), 6, true);
    int exif = indexOf(jpeg, "Exif".getBytes(StandardCharsets.US_ASCII));
    jpeg[exif + 6] = 'X'; // byte order mark broken

    assertThat(decoder.decode(jpeg).getWidth()).isEqualTo(200);
  }

  // ---- sniffing ----------------------------------------------------------------------------------

  @Test
  void formatIsTakenFromTheBytesWhateverTheFileIsCalled() throws IOException {
    // what a client might label image/jpeg, photo.jpg: the bytes say PNG, and PNG it is
    byte[] pngLabelledJpeg = png(picture);
    // and a WebP labelled image/png
    byte[] webpLabelledPng = TestMedia.webp(picture, true, false);

    assertThat(decoder.inspect(pngLabelledJpeg).format()).isEqualTo(ImageFormat.PNG);
    assertThat(TestMedia.psnr(picture, decoder.decode(pngLabelledJpeg))).isInfinite();
    assertThat(decoder.inspect(webpLabelledPng).format()).isEqualTo(ImageFormat.WEBP);
  }

  @Test
  void textLabelledAsAnImageIsRefused() {
    byte[] svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes(StandardCharsets.UTF_8);

    assertRejected(() -> decoder.decode(svg), Reason.UNSUPPORTED_FORMAT);
  }

  @Test
  void gifIsRefusedByName() throws IOException {
    ByteArrayOutputStream gif = new ByteArrayOutputStream();
    ImageIO.write(picture, "gif", gif);

    assertRejected(() -> decoder.decode(gif.toByteArray()), Reason.UNSUPPORTED_FORMAT)
        .hasMessageContaining("GIF");
  }

  @Test
  void emptyIsRefused() {
    assertRejected(() -> decoder.decode(new byte[0]), Reason.EMPTY);
  }

  @Test
  void concurrentDecodesAreIndependent() throws Exception {
    BufferedImage[] sources = new BufferedImage[8];
    byte[][] files = new byte[8][];
    for (int i = 0; i < 8; i++) {
      sources[i] = TestMedia.patternFrame(64 + 8 * i, 48 + 4 * i, i, 8);
      files[i] = i % 2 == 0 ? TestMedia.webp(sources[i], true, false) : png(sources[i]);
    }
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      java.util.List<java.util.concurrent.Future<BufferedImage>> results = new java.util.ArrayList<>();
      for (int round = 0; round < 4; round++) {
        for (byte[] file : files) {
          results.add(pool.submit(() -> decoder.decode(file)));
        }
      }
      for (int i = 0; i < results.size(); i++) {
        assertThat(TestMedia.psnr(sources[i % 8], results.get(i).get())).isInfinite();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- limits ------------------------------------------------------------------------------------

  @Test
  void moreBytesThanTheLimitAreRefusedBeforeParsing() throws IOException {
    byte[] png = png(picture);
    ImageDecoder strict = new ImageDecoder(png.length - 1, 1L << 24);

    assertRejected(() -> strict.decode(png), Reason.TOO_LARGE_BYTES);
    assertThat(new ImageDecoder(png.length, 1L << 24).decode(png).getWidth()).isEqualTo(200);
  }

  @Test
  void anEndlessStreamIsReadOnlyUpToTheLimit() {
    CountingZeros endless = new CountingZeros();

    assertRejected(() -> new ImageDecoder(1000, 1L << 24).decode(endless), Reason.TOO_LARGE_BYTES);
    assertThat(endless.read).isEqualTo(1001);
  }

  @Test
  void pngDecompressionBombIsRefusedWithoutAllocatingItsPixels() {
    byte[] bomb = pngBomb(50_000, 50_000); // 7.5 GB of RGB pixels in a few dozen bytes
    assertThat(bomb.length).isLessThan(100);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();

    long before = threads.getThreadAllocatedBytes(thread);
    ImageRejectedException rejected = catchRejection(() -> decoder.decode(bomb));
    long allocated = threads.getThreadAllocatedBytes(thread) - before;

    assertThat(rejected.reason()).isEqualTo(Reason.TOO_MANY_PIXELS);
    assertThat(rejected.getMessage()).contains("50000x50000");
    assertThat(allocated).as("bytes allocated while refusing").isLessThan(1 << 20);
  }

  @Test
  void pixelLimitIsInclusive() throws IOException {
    byte[] png = png(picture);

    assertThat(new ImageDecoder(1 << 20, 200 * 150).decode(png).getHeight()).isEqualTo(150);
    assertRejected(() -> new ImageDecoder(1 << 20, 200 * 150 - 1).decode(png), Reason.TOO_MANY_PIXELS);
  }

  @Test
  void compressedTextChunksAreNotInflated() throws IOException {
    // 96 MB of zeros as a zTXt chunk: about 100 kB on the wire, well under the byte limit
    byte[] png = png(TestMedia.solid(8, 8, Color.ORANGE));
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    text.writeBytes("Comment".getBytes(StandardCharsets.US_ASCII));
    text.writeBytes(new byte[] {0, 0}); // keyword terminator, compression method 0
    Deflater deflater = new Deflater(9);
    byte[] zeros = new byte[1 << 20];
    byte[] buffer = new byte[1 << 16];
    for (int i = 0; i < 96; i++) {
      deflater.setInput(zeros);
      while (!deflater.needsInput()) {
        text.write(buffer, 0, deflater.deflate(buffer));
      }
    }
    deflater.finish();
    while (!deflater.finished()) {
      text.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    bomb.write(png, 0, 33); // signature and IHDR
    chunk(bomb, "zTXt", text.toByteArray());
    bomb.write(png, 33, png.length - 33);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();

    long before = threads.getThreadAllocatedBytes(thread);
    BufferedImage image = decoder.decode(bomb.toByteArray());
    long allocated = threads.getThreadAllocatedBytes(thread) - before;

    assertThat(bomb.size()).isLessThan(1 << 20);
    assertThat(image.getRGB(4, 4) & 0xffffff).isEqualTo(Color.ORANGE.getRGB() & 0xffffff);
    assertThat(allocated).as("bytes allocated").isLessThan(32L << 20);
  }

  @Test
  void jpegWithThousandsOfScansIsRefused() throws IOException {
    byte[] jpeg = jpeg(picture, 0.9f);
    int eoi = jpeg.length - 2;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, eoi);
    for (int i = 0; i < ImageHeaders.MAX_JPEG_SCANS; i++) {
      out.writeBytes(new byte[] {(byte) 0xff, (byte) 0xda, 0, 8, 1, 1, 0, 0, 63, 0});
    }
    out.write(jpeg, eoi, 2);

    assertRejected(() -> decoder.decode(out.toByteArray()), Reason.CORRUPT).hasMessageContaining("scans");
  }

  @Test
  void jpegDeclaringHugeDimensionsIsRefused() throws IOException {
    byte[] jpeg = jpeg(picture, 0.9f);
    int sof = indexOfMarker(jpeg, 0xc0);
    jpeg[sof + 5] = (byte) 0xff; // height
    jpeg[sof + 6] = (byte) 0xff;
    jpeg[sof + 7] = (byte) 0xff; // width
    jpeg[sof + 8] = (byte) 0xff;

    assertRejected(() -> decoder.decode(jpeg), Reason.TOO_MANY_PIXELS).hasMessageContaining("65535x65535");
  }

  @Test
  void webpDeclaringHugeDimensionsIsRefused() throws IOException {
    // lossless header: 14 bits width-1, 14 bits height-1
    byte[] lossless = TestMedia.webp(picture, true, false);
    ByteBuffer.wrap(lossless).order(ByteOrder.LITTLE_ENDIAN).putInt(21, (0x3fff) | (0x3fff << 14));
    // extended file whose canvas and lossy bitstream both claim 16383x16383
    byte[] extended = TestMedia.webp(TestMedia.solid(64, 32, Color.RED), false, true);
    ByteBuffer le = ByteBuffer.wrap(extended).order(ByteOrder.LITTLE_ENDIAN);
    le.putShort(24, (short) 16382).put(26, (byte) 0).putShort(27, (short) 16382).put(29, (byte) 0);
    int vp8 = indexOf(extended, "VP8 ".getBytes(StandardCharsets.US_ASCII)) + 8;
    le.putShort(vp8 + 6, (short) 16383).putShort(vp8 + 8, (short) 16383);

    assertRejected(() -> decoder.decode(lossless), Reason.TOO_MANY_PIXELS)
        .hasMessageContaining("16384x16384");
    assertRejected(() -> decoder.decode(extended), Reason.TOO_MANY_PIXELS)
        .hasMessageContaining("16383x16383");
  }

  @Test
  void webpWhoseSmallCanvasHidesALargeBitstreamIsRefused() throws IOException {
    byte[] extended = TestMedia.webp(TestMedia.solid(64, 32, Color.RED), false, true);
    extended[24] = 9; // canvas 10x10 (stored minus one)
    extended[25] = extended[26] = 0;
    extended[27] = 9;
    extended[28] = extended[29] = 0;

    assertRejected(() -> decoder.decode(extended), Reason.CORRUPT).hasMessageContaining("64x32");
  }

  // ---- damage ------------------------------------------------------------------------------------

  @Test
  void truncatedImagesAreRefused() throws IOException {
    byte[] png = png(picture);
    byte[] jpeg = jpeg(picture, 0.9f);
    byte[] webp = TestMedia.webp(picture, false, false);

    for (byte[] whole : new byte[][] {png, jpeg, webp}) {
      for (int length : new int[] {whole.length * 3 / 5, 30, 10, 4}) {
        byte[] cut = Arrays.copyOf(whole, length);
        ImageRejectedException rejected = catchRejection(() -> decoder.decode(cut));
        assertThat(rejected.reason())
            .as("%d of %d bytes", length, whole.length)
            .isIn(Reason.CORRUPT, Reason.UNSUPPORTED_FORMAT);
        if (length >= 10) {
          assertThat(rejected.reason()).as("%d of %d bytes", length, whole.length).isEqualTo(Reason.CORRUPT);
        }
      }
    }
  }

  @Test
  void jpegMissingItsLastBytesIsRefused() throws IOException {
    byte[] jpeg = jpeg(picture, 0.9f);

    assertRejected(() -> decoder.decode(Arrays.copyOf(jpeg, jpeg.length - 200)), Reason.CORRUPT);
  }

  @Test
  void pngWithADamagedHeaderIsRefused() throws IOException {
    byte[] png = png(picture);
    png[17] ^= 0x01; // width changes, checksum no longer matches

    assertRejected(() -> decoder.decode(png), Reason.CORRUPT).hasMessageContaining("checksum");
  }

  @Test
  void pngWithDamagedImageDataIsRefused() throws IOException {
    byte[] png = png(picture);
    int idat = indexOf(png, "IDAT".getBytes(StandardCharsets.US_ASCII));
    for (int i = idat + 40; i < idat + 240; i++) {
      png[i] = (byte) 0x5a;
    }

    assertRejected(() -> decoder.decode(png), Reason.CORRUPT);
  }

  @Test
  void animatedWebpAndCmykOrTwelveBitJpegAreUnsupported() throws IOException {
    byte[] animated = TestMedia.webp(TestMedia.solid(64, 32, Color.RED), false, true);
    animated[20] |= 0x02; // VP8X animation flag
    byte[] cmyk = jpeg(picture, 0.9f);
    cmyk[indexOfMarker(cmyk, 0xc0) + 9] = 4; // component count
    byte[] twelveBit = jpeg(picture, 0.9f);
    twelveBit[indexOfMarker(twelveBit, 0xc0) + 4] = 12; // sample precision

    assertRejected(() -> decoder.decode(twelveBit), Reason.UNSUPPORTED_FORMAT)
        .hasMessageContaining("12-bit");
    assertRejected(() -> decoder.decode(animated), Reason.UNSUPPORTED_FORMAT)
        .hasMessageContaining("animated");
    assertRejected(() -> decoder.decode(cmyk), Reason.UNSUPPORTED_FORMAT).hasMessageContaining("CMYK");
  }

  // ---- helpers -----------------------------------------------------------------------------------

  private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertRejected(
      ThrowingCallable call, Reason reason) {
    return assertThatThrownBy(call)
        .isInstanceOf(ImageRejectedException.class)
        .satisfies(e -> assertThat(((ImageRejectedException) e).reason()).isEqualTo(reason));
  }

  private static ImageRejectedException catchRejection(Runnable call) {
    try {
      call.run();
    } catch (ImageRejectedException e) {
      return e;
    }
    throw new AssertionError("expected the image to be rejected");
  }

  static byte[] png(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(image, "png", out)).isTrue();
    return out.toByteArray();
  }

  static byte[] jpeg(BufferedImage image, float quality) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      writer.setOutput(stream);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  private static void assertNear(int actual, int expected, String what) {
    for (int shift = 0; shift <= 16; shift += 8) {
      assertThat(Math.abs(((actual >> shift) & 0xff) - ((expected >> shift) & 0xff)))
          .as("%s: %06x vs %06x", what, actual & 0xffffff, expected)
          .isLessThan(40);
    }
  }

  /** {@code jpeg} with an APP1 Exif segment holding only IFD0's Orientation, after the APP0 segment. */
  static byte[] withExifOrientation(byte[] jpeg, int orientation, boolean littleEndian) {
    ByteBuffer tiff =
        ByteBuffer.allocate(8 + 2 + 12 + 4)
            .order(littleEndian ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    tiff.put(littleEndian ? (byte) 'I' : (byte) 'M').put(littleEndian ? (byte) 'I' : (byte) 'M');
    tiff.putShort((short) 42).putInt(8); // IFD0 right after the header
    tiff.putShort((short) 1); // one entry
    // tag Orientation, type SHORT, count 1, value in the first two bytes of the value field
    tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1);
    tiff.putShort((short) orientation).putShort((short) 0);
    tiff.putInt(0); // no next IFD
    byte[] payload = tiff.array();
    ByteArrayOutputStream segment = new ByteArrayOutputStream();
    segment.writeBytes(new byte[] {(byte) 0xff, (byte) 0xe1});
    int length = 2 + 6 + payload.length;
    segment.writeBytes(new byte[] {(byte) (length >> 8), (byte) length});
    segment.writeBytes(new byte[] {'E', 'x', 'i', 'f', 0, 0});
    segment.writeBytes(payload);
    int app0Length = ((jpeg[4] & 0xff) << 8) | (jpeg[5] & 0xff);
    int insertAt = (jpeg[3] & 0xff) == 0xe0 ? 4 + app0Length : 2;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, insertAt);
    out.writeBytes(segment.toByteArray());
    out.write(jpeg, insertAt, jpeg.length - insertAt);
    return out.toByteArray();
  }

  /** A valid PNG (right signature, IHDR, CRCs) declaring a huge RGB image with almost no data. */
  static byte[] pngBomb(int width, int height) {
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2);
    Deflater deflater = new Deflater(9);
    deflater.setInput(new byte[1000]);
    deflater.finish();
    byte[] compressed = new byte[200];
    int length = deflater.deflate(compressed);
    deflater.end();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    chunk(out, "IHDR", ihdr.array());
    chunk(out, "IDAT", Arrays.copyOf(compressed, length));
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(typeBytes);
    out.writeBytes(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  /** Index of the 0xFF byte of the first {@code FF marker} in {@code data}. */
  private static int indexOfMarker(byte[] data, int marker) {
    return indexOf(data, new byte[] {(byte) 0xff, (byte) marker});
  }

  private static int indexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i + pattern.length <= data.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("pattern not found");
  }

  /** An endless stream of zero bytes that counts what was read. */
  private static final class CountingZeros extends InputStream {
    long read;

    @Override
    public int read() {
      read++;
      return 0;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      Arrays.fill(b, off, off + len, (byte) 0);
      read += len;
      return len;
    }
  }
}
