package dev.walt.video;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RadialGradientPaint;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/** Synthetic test media: a natural-ish moving pattern, PSNR, and WebP files made with libwebp. */
final class TestMedia {

  private TestMedia() {}

  /**
   * A moving scene with smooth colour gradients, a soft light blob drifting across, an anti-aliased
   * ellipse with a gradient fill moving diagonally, a rotating outlined square and a gentle sine
   * texture: smooth areas, edges and motion, like a real clip without the noise of a camera.
   */
  static Clip movingPattern(int width, int height, int frames, int fps) {
    List<BufferedImage> images = new ArrayList<>(frames);
    for (int t = 0; t < frames; t++) {
      images.add(patternFrame(width, height, t, frames));
    }
    return new Clip(images, fps);
  }

  static BufferedImage patternFrame(int width, int height, int t, int frames) {
    double phase = (double) t / Math.max(1, frames - 1);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    for (int y = 0, p = 0; y < height; y++) {
      for (int x = 0; x < width; x++, p += 3) {
        double u = (double) x / width;
        double v = (double) y / height;
        double texture = 6 * Math.sin(x * 0.35 + t * 0.2) * Math.sin(y * 0.27);
        double r = 40 + 150 * u + 30 * Math.sin(2 * Math.PI * (v + phase)) + texture;
        double g = 60 + 120 * v + 20 * Math.cos(2 * Math.PI * (u - phase)) + texture;
        double b = 180 - 90 * u * v + 25 * Math.sin(3 * u + 2 * v + 4 * phase);
        bgr[p] = clamp(b);
        bgr[p + 1] = clamp(g);
        bgr[p + 2] = clamp(r);
      }
    }
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    // soft light blob
    float blobX = (float) (width * (0.2 + 0.6 * phase));
    float blobY = (float) (height * 0.3);
    float blobR = Math.max(4f, Math.min(width, height) * 0.3f);
    g.setPaint(
        new RadialGradientPaint(
            blobX,
            blobY,
            blobR,
            new float[] {0f, 1f},
            new Color[] {new Color(255, 240, 200, 150), new Color(255, 240, 200, 0)}));
    g.fill(new Ellipse2D.Float(blobX - blobR, blobY - blobR, 2 * blobR, 2 * blobR));
    // gradient-filled ellipse moving diagonally
    double ex = width * (0.1 + 0.5 * phase);
    double ey = height * (0.5 + 0.2 * Math.sin(Math.PI * phase));
    double ew = width * 0.3;
    double eh = height * 0.25;
    g.setPaint(
        new GradientPaint(
            (float) ex,
            (float) ey,
            new Color(200, 60, 40),
            (float) (ex + ew),
            (float) (ey + eh),
            new Color(240, 180, 60)));
    g.fill(new Ellipse2D.Double(ex, ey, ew, eh));
    // rotating outlined square
    AffineTransform saved = g.getTransform();
    g.rotate(2 * Math.PI * phase * 0.5, width * 0.72, height * 0.7);
    g.setColor(new Color(30, 70, 120));
    g.setStroke(new BasicStroke(Math.max(2f, Math.min(width, height) / 24f)));
    double side = Math.min(width, height) * 0.25;
    g.draw(new Rectangle2D.Double(width * 0.72 - side / 2, height * 0.7 - side / 2, side, side));
    g.setTransform(saved);
    g.dispose();
    return soften(image);
  }

  /**
   * A [1 2 1] / 4 blur in both directions: a camera's optics never resolve a one-pixel step, so
   * neither does this pattern (pixel-sharp saturated edges are what 4:2:0 chroma cannot hold).
   */
  private static BufferedImage soften(BufferedImage image) {
    int width = image.getWidth();
    int height = image.getHeight();
    byte[] src = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    int[] horizontal = new int[src.length];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int left = Math.max(0, x - 1);
        int right = Math.min(width - 1, x + 1);
        for (int c = 0; c < 3; c++) {
          horizontal[(y * width + x) * 3 + c] =
              (src[(y * width + left) * 3 + c] & 0xff)
                  + 2 * (src[(y * width + x) * 3 + c] & 0xff)
                  + (src[(y * width + right) * 3 + c] & 0xff);
        }
      }
    }
    BufferedImage result = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    byte[] dst = ((DataBufferByte) result.getRaster().getDataBuffer()).getData();
    for (int y = 0; y < height; y++) {
      int up = Math.max(0, y - 1);
      int down = Math.min(height - 1, y + 1);
      for (int i = 0; i < width * 3; i++) {
        int sum =
            horizontal[up * width * 3 + i]
                + 2 * horizontal[y * width * 3 + i]
                + horizontal[down * width * 3 + i];
        dst[y * width * 3 + i] = (byte) ((sum + 8) / 16);
      }
    }
    return result;
  }

  private static byte clamp(double value) {
    return (byte) Math.max(0, Math.min(255, (int) Math.round(value)));
  }

  /**
   * Peak signal-to-noise ratio in dB over the R, G and B values of the top-left {@code width x height}
   * region of both images (infinity when identical).
   */
  static double psnr(BufferedImage expected, BufferedImage actual, int width, int height) {
    double sum = 0;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int a = expected.getRGB(x, y);
        int b = actual.getRGB(x, y);
        for (int shift = 0; shift <= 16; shift += 8) {
          int d = ((a >> shift) & 0xff) - ((b >> shift) & 0xff);
          sum += d * d;
        }
      }
    }
    double mse = sum / (3.0 * width * height);
    return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
  }

  static double psnr(BufferedImage expected, BufferedImage actual) {
    return psnr(expected, actual, expected.getWidth(), expected.getHeight());
  }

  /**
   * Encodes {@code image} as WebP with FFmpeg's libwebp encoder. {@code lossless} gives a VP8L file;
   * {@code alpha} (lossy, with an alpha plane from {@code alphaOf}) gives a VP8X file with ALPH + VP8
   * chunks; neither gives a plain VP8 file.
   */
  static byte[] webp(BufferedImage image, boolean lossless, boolean alpha) throws IOException {
    int width = image.getWidth();
    int height = image.getHeight();
    Frames.init(); // FFmpeg log level
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(out, width, height, 0);
        Frame frame = new Frame(width, height, Frame.DEPTH_UBYTE, 4)) {
      recorder.setFormat("webp");
      recorder.setVideoCodecName("libwebp");
      recorder.setPixelFormat(
          lossless ? avutil.AV_PIX_FMT_BGRA : alpha ? avutil.AV_PIX_FMT_YUVA420P : avutil.AV_PIX_FMT_YUV420P);
      recorder.setVideoOptions(
          Map.of("lossless", lossless ? "1" : "0", "quality", "95"));
      recorder.start();
      ByteBuffer buffer = (ByteBuffer) frame.image[0];
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          int rgb = image.getRGB(x, y);
          int i = y * frame.imageStride + 4 * x;
          buffer.put(i, (byte) rgb); // B
          buffer.put(i + 1, (byte) (rgb >> 8)); // G
          buffer.put(i + 2, (byte) (rgb >> 16)); // R
          buffer.put(i + 3, (byte) (alpha ? alphaOf(x, width) : 255));
        }
      }
      recorder.record(frame, avutil.AV_PIX_FMT_BGRA);
      recorder.stop();
    }
    return out.toByteArray();
  }

  /** The alpha of column {@code x} in {@link #webp} files with alpha: opaque left half, clear right. */
  static int alphaOf(int x, int width) {
    return x < width / 2 ? 255 : 0;
  }

  /** Settings as Spring binds them from {@code walt.video.*} properties, e.g. {@code "h264-crf", "20"}. */
  static VideoSettings settings(String... keysAndValues) {
    Map<String, String> properties = new java.util.HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      properties.put("walt.video." + keysAndValues[i], keysAndValues[i + 1]);
    }
    return new org.springframework.boot.context.properties.bind.Binder(
            new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(properties))
        .bindOrCreate("walt.video", VideoSettings.class);
  }

  static BufferedImage solid(int width, int height, Color color) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.setComposite(AlphaComposite.Src);
    g.setColor(color);
    g.fillRect(0, 0, width, height);
    g.dispose();
    return image;
  }
}
