package dev.walt.eval;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Peak signal-to-noise ratio, {@code 10 log10(peak^2 / MSE)} in dB, with the mean squared error taken over
 * every channel of every pixel of every frame. Identical inputs give positive infinity.
 */
public final class Psnr {

  private Psnr() {}

  /** PSNR of two 8-bit RGB images of one size (peak 255). */
  public static double of(BufferedImage a, BufferedImage b) {
    return of(List.of(a), List.of(b));
  }

  /** PSNR of two clips of 8-bit RGB frames, frame by frame (same count and size; peak 255). */
  public static double of(List<BufferedImage> a, List<BufferedImage> b) {
    if (a.size() != b.size() || a.isEmpty()) {
      throw new IllegalArgumentException("clips differ in length: " + a.size() + " vs " + b.size());
    }
    double sum = 0;
    long count = 0;
    for (int f = 0; f < a.size(); f++) {
      BufferedImage x = a.get(f);
      BufferedImage y = b.get(f);
      int w = x.getWidth();
      int h = x.getHeight();
      if (y.getWidth() != w || y.getHeight() != h) {
        throw new IllegalArgumentException("frames differ in size: " + w + "x" + h + " vs " + y.getWidth() + "x"
            + y.getHeight());
      }
      int[] p = x.getRGB(0, 0, w, h, null, 0, w);
      int[] q = y.getRGB(0, 0, w, h, null, 0, w);
      for (int i = 0; i < p.length; i++) {
        for (int shift = 0; shift <= 16; shift += 8) {
          int d = ((p[i] >> shift) & 0xff) - ((q[i] >> shift) & 0xff);
          sum += d * d;
        }
      }
      count += 3L * p.length;
    }
    return fromMse(sum / count, 255);
  }

  /** PSNR of two arrays of the model's pixel values in [-1, 1] (peak-to-peak 2). */
  public static double of(float[] a, float[] b) {
    if (a.length != b.length || a.length == 0) {
      throw new IllegalArgumentException("arrays differ in length: " + a.length + " vs " + b.length);
    }
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      sum += d * d;
    }
    return fromMse(sum / a.length, 2);
  }

  /** {@code 10 log10(peak^2 / mse)}. */
  public static double fromMse(double mse, double peak) {
    return mse == 0 ? Double.POSITIVE_INFINITY : 10 * StrictMath.log10(peak * peak / mse);
  }
}
