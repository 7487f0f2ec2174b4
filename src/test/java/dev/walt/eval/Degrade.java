package dev.walt.eval;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Degradations that imitate generated videos: a blur and Gaussian pixel noise. */
final class Degrade {

  private Degrade() {}

  /**
   * Each frame blurred with the separable kernel [1, 2, 1] / 4 (edges clamped), then Gaussian noise of
   * standard deviation {@code sigma} in [-1, 1] units ({@code sigma * 127.5} in 8-bit units) added and the
   * result rounded and clamped.
   */
  static List<BufferedImage> blurAndNoise(List<BufferedImage> frames, double sigma, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<BufferedImage> out = new ArrayList<>(frames.size());
    for (BufferedImage frame : frames) {
      int w = frame.getWidth();
      int h = frame.getHeight();
      int[] p = frame.getRGB(0, 0, w, h, null, 0, w);
      double[][] c = new double[3][w * h];
      for (int i = 0; i < p.length; i++) {
        c[0][i] = (p[i] >> 16) & 0xff;
        c[1][i] = (p[i] >> 8) & 0xff;
        c[2][i] = p[i] & 0xff;
      }
      int[] q = new int[w * h];
      double[][] blurred = new double[3][];
      for (int ch = 0; ch < 3; ch++) {
        blurred[ch] = blur(c[ch], w, h);
      }
      for (int i = 0; i < q.length; i++) {
        int rgb = 0;
        for (int ch = 0; ch < 3; ch++) {
          double v = blurred[ch][i] + random.nextGaussian() * sigma * 127.5;
          rgb = (rgb << 8) | (int) Math.max(0, Math.min(255, Math.round(v)));
        }
        q[i] = rgb;
      }
      BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      image.setRGB(0, 0, w, h, q, 0, w);
      out.add(image);
    }
    return out;
  }

  private static double[] blur(double[] c, int w, int h) {
    double[] tmp = new double[w * h];
    double[] out = new double[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        tmp[y * w + x] = (c[y * w + Math.max(0, x - 1)] + 2 * c[y * w + x] + c[y * w + Math.min(w - 1, x + 1)]) / 4;
      }
    }
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        out[y * w + x] =
            (tmp[Math.max(0, y - 1) * w + x] + 2 * tmp[y * w + x] + tmp[Math.min(h - 1, y + 1) * w + x]) / 4;
      }
    }
    return out;
  }
}
