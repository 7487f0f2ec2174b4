package dev.walt.eval;

import dev.walt.world.Domain;
import dev.walt.world.Rgb;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads a clip of the moving-shapes world from its pixels alone and tells what it shows, using only the
 * named values of a {@link Domain}. Deterministic (integer arithmetic, exact square roots and {@link
 * StrictMath}: the same figures on every JVM), and robust to the blur and noise of generated videos.
 *
 * <ol>
 *   <li><b>Background</b>: per-channel median of the border pixels of every frame, then the nearest named
 *       background.
 *   <li><b>Colour</b>: pixels far from the measured background (RGB distance above {@value #CANDIDATE}, or
 *       1.5 times the 90th percentile of the border's distances when the clip is noisier) give a first object
 *       colour (median); without enough of them (0.5% of all pixels) there is no object; every pixel is then projected on the background-to-object axis,
 *       {@code a = (p - bg) . (o - bg) / |o - bg|^2} (0 on the background, 1 inside the object, the coverage
 *       in between); the mean of the core pixels ({@code a > 0.8}) is the object colour, matched to the
 *       nearest named colour.
 *   <li><b>Shape</b>: per frame, the largest 8-connected component of {@code a > 0.5} locates the object
 *       (frames where it covers less than 0.5% of the frame have none);
 *       inside its bounding box (padded) the coverage {@code a} (clamped to [0, 1]) gives the area {@code A},
 *       the largest column sum {@code Hmax} and the largest row sum {@code Wmax}. The fill ratio {@code A /
 *       (Hmax * Wmax)} is 1 for a square, pi/4 for a circle and 1/2 for a triangle, independent of size and
 *       sub-pixel position; the skewness of the row sums (the area's distribution along y) is 0 for shapes
 *       symmetric top to bottom and negative for the upward triangle. The medians over frames of both are
 *       matched to the nearest shape's, in a distance that weighs the blur-proof skewness most.
 *   <li><b>Motion</b>: the coverage-weighted centroid per frame; the displacement from the mean of the first
 *       frames to the mean of the last frames. Below {@value #STILL} of the frame it is still; otherwise the
 *       named direction with the largest cosine to it.
 * </ol>
 */
public final class Analyser {

  /** RGB distance from the background above which a pixel is a candidate object pixel. */
  static final double CANDIDATE = 60;

  /**
   * Fraction of the pixels that must be candidates for an object to be there at all, and the smallest
   * fraction of a frame the object's connected component must cover for the frame to count (the smallest
   * object, a triangle of side 1/4, covers 3% of a frame; scattered noise pixels reach neither).
   */
  static final double MIN_OBJECT = 0.005;

  /** Displacement (fraction of the frame) below which the object counts as still. */
  static final double STILL = 0.08;

  /**
   * Scales of the two shape features in the distance to a shape: blur rounds corners and tips, which moves
   * the fill ratio of a small triangle far towards a circle's, but barely changes the skewness (blurring adds
   * nothing to the third central moment), so skewness weighs more.
   */
  static final double FILL_SCALE = 0.5;

  static final double SKEW_SCALE = 0.1;

  /** Smallest side accepted. */
  public static final int MIN_SIDE = 32;

  private final Domain domain;

  public Analyser(Domain domain) {
    this.domain = domain;
  }

  /** An analyser for the shipped world ({@code models/walt-tiny/domain.json} on the classpath). */
  public static Analyser shipped() {
    return new Analyser(Domain.load());
  }

  /** Analyses a clip (or a single image): frames of one size, each side at least {@value #MIN_SIDE}. */
  public Analysis analyse(List<BufferedImage> frames) {
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("no frames");
    }
    int w = frames.get(0).getWidth();
    int h = frames.get(0).getHeight();
    if (w < MIN_SIDE || h < MIN_SIDE) {
      throw new IllegalArgumentException("frames must be at least " + MIN_SIDE + " pixels a side: " + w + "x" + h);
    }
    int t = frames.size();
    int[][] pixels = new int[t][];
    for (int f = 0; f < t; f++) {
      BufferedImage image = frames.get(f);
      if (image.getWidth() != w || image.getHeight() != h) {
        throw new IllegalArgumentException("frames differ in size");
      }
      pixels[f] = image.getRGB(0, 0, w, h, null, 0, w);
    }

    // 1. background: per-channel median of the border ring
    int ring = Math.max(1, Math.min(w, h) / 32);
    Histogram border = new Histogram();
    for (int[] frame : pixels) {
      for (int y = 0; y < h; y++) {
        boolean edgeRow = y < ring || y >= h - ring;
        for (int x = 0; x < w; x++) {
          if (edgeRow || x < ring || x >= w - ring) {
            border.add(frame[y * w + x]);
          }
        }
      }
    }
    Rgb bg = border.median();
    Nearest<Domain.Named> background = nearest(domain.backgrounds(), n -> n.rgb().distance(bg));
    // noise floor: 1.5 times the 90th percentile of the border's distances to its median colour
    int[] floorHistogram = new int[443];
    long borderCount = 0;
    for (int[] frame : pixels) {
      for (int y = 0; y < h; y++) {
        boolean edgeRow = y < ring || y >= h - ring;
        for (int x = 0; x < w; x++) {
          if (edgeRow || x < ring || x >= w - ring) {
            int p = frame[y * w + x];
            floorHistogram[(int) Math.ceil(bg.distance(red(p), green(p), blue(p)))]++;
            borderCount++;
          }
        }
      }
    }
    int p90 = 0;
    for (long seen = 0; p90 < floorHistogram.length - 1; p90++) {
      seen += floorHistogram[p90];
      if (seen >= 0.9 * borderCount) {
        break;
      }
    }
    double candidate = Math.max(CANDIDATE, 1.5 * p90);

    // 2. colour: candidates far from the background, then the core along the background-object axis
    Histogram candidates = new Histogram();
    for (int[] frame : pixels) {
      for (int p : frame) {
        int dr = red(p) - bg.r();
        int dg = green(p) - bg.g();
        int db = blue(p) - bg.b();
        if (dr * dr + dg * dg + db * db > candidate * candidate) {
          candidates.add(p);
        }
      }
    }
    if (candidates.count() < MIN_OBJECT * t * w * h) {
      return noObject(background, bg, t);
    }
    double[] object = toDoubles(candidates.median());
    for (int pass = 0; pass < 2; pass++) {
      double[] core = coreMean(pixels, bg, object);
      if (core == null) {
        break;
      }
      object = core;
    }
    double[] axis = {object[0] - bg.r(), object[1] - bg.g(), object[2] - bg.b()};
    double axisNorm2 = axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2];
    if (Math.sqrt(axisNorm2) < CANDIDATE / 2) {
      return noObject(background, bg, t);
    }
    double[] objectRgb = object;
    Nearest<Domain.Named> colour =
        nearest(domain.colours(), n -> n.rgb().distance(objectRgb[0], objectRgb[1], objectRgb[2]));

    // 3. per frame: locate the object, measure coverage, fill ratio and centroid
    List<double[]> found = new ArrayList<>(); // {fill, area, cx, cy, skewness}
    int pad = Math.max(1, (int) Math.round(0.03 * Math.min(w, h)));
    float[] a = new float[w * h];
    Components components = new Components(w, h);
    int minPixels = Math.max(3, (int) Math.ceil(MIN_OBJECT * w * h));
    for (int[] frame : pixels) {
      for (int i = 0; i < a.length; i++) {
        int p = frame[i];
        a[i] = (float) (((red(p) - bg.r()) * axis[0] + (green(p) - bg.g()) * axis[1] + (blue(p) - bg.b()) * axis[2])
            / axisNorm2);
      }
      int[] box = components.largest(a, minPixels);
      if (box == null) {
        continue;
      }
      int x0 = Math.max(0, box[0] - pad);
      int y0 = Math.max(0, box[1] - pad);
      int x1 = Math.min(w - 1, box[2] + pad);
      int y1 = Math.min(h - 1, box[3] + pad);
      double[] columns = new double[x1 - x0 + 1];
      double[] rows = new double[y1 - y0 + 1];
      double area = 0;
      double sx = 0;
      double sy = 0;
      for (int y = y0; y <= y1; y++) {
        for (int x = x0; x <= x1; x++) {
          double c = Math.max(0, Math.min(1, a[y * w + x]));
          columns[x - x0] += c;
          rows[y - y0] += c;
          area += c;
          sx += c * (x + 0.5);
          sy += c * (y + 0.5);
        }
      }
      double hMax = Arrays.stream(columns).max().orElse(0);
      double wMax = Arrays.stream(rows).max().orElse(0);
      if (area <= 0 || hMax <= 0 || wMax <= 0) {
        continue;
      }
      double my = sy / area;
      double m2 = 0;
      double m3 = 0;
      for (int y = y0; y <= y1; y++) {
        double d = y + 0.5 - my;
        m2 += rows[y - y0] * d * d;
        m3 += rows[y - y0] * d * d * d;
      }
      double skew = m2 > 0 ? (m3 / area) / StrictMath.pow(m2 / area, 1.5) : 0;
      found.add(new double[] {area / (hMax * wMax), area / ((double) w * h), sx / area / w, my / h, skew});
    }
    if (found.isEmpty()) {
      return noObject(background, bg, t);
    }

    double fill = median(found.stream().mapToDouble(f -> f[0]).toArray());
    double skew = median(found.stream().mapToDouble(f -> f[4]).toArray());
    double meanArea = found.stream().mapToDouble(f -> f[1]).average().orElse(0);
    Nearest<Domain.ShapeInfo> shape = nearest(domain.shapes(), s -> StrictMath.hypot(
        StrictMath.log(fill / s.fillRatio()) / FILL_SCALE, (skew - s.skewness()) / SKEW_SCALE));

    // 4. motion: displacement between the means of the first and the last frames
    int n = found.size();
    int k = Math.max(1, Math.min(3, n / 4));
    double dx = 0;
    double dy = 0;
    for (int i = 0; i < k; i++) {
      dx += (found.get(n - k + i)[2] - found.get(i)[2]) / k;
      dy += (found.get(n - k + i)[3] - found.get(i)[3]) / k;
    }
    String motion;
    double motionConfidence;
    double distance = StrictMath.hypot(dx, dy);
    Domain.MotionInfo still = domain.motions().stream().filter(m -> !m.moving()).findFirst().orElse(null);
    if (n < 2 || distance < STILL) {
      motion = still == null ? null : still.name();
      motionConfidence = n < 2 ? (still == null ? 0 : 1) : 1 - distance / STILL;
    } else {
      double ux = dx / distance;
      double uy = dy / distance;
      List<Domain.MotionInfo> moving = domain.motions().stream().filter(Domain.MotionInfo::moving).toList();
      Nearest<Domain.MotionInfo> direction =
          nearest(moving, m -> 1 - (ux * m.dx() + uy * m.dy()) / StrictMath.hypot(m.dx(), m.dy()));
      motion = direction.best().name();
      motionConfidence = Math.min(direction.confidence(), 1 - STILL / distance);
    }

    return new Analysis(
        background.best().name(),
        colour.best().name(),
        shape.best().name(),
        motion,
        new Analysis.Confidence(
            background.confidence(), colour.confidence(), shape.confidence(), Math.max(0, motionConfidence)),
        new Analysis.Measurements(
            bg,
            new Rgb(clampByte(object[0]), clampByte(object[1]), clampByte(object[2])),
            fill,
            skew,
            meanArea,
            dx,
            dy,
            found.size(),
            t));
  }

  private Analysis noObject(Nearest<Domain.Named> background, Rgb bg, int frames) {
    return new Analysis(
        background.best().name(),
        null,
        null,
        null,
        new Analysis.Confidence(background.confidence(), 0, 0, 0),
        new Analysis.Measurements(bg, null, 0, 0, 0, 0, 0, 0, frames));
  }

  /** Mean colour of the pixels with {@code a > 0.8} on the background-to-{@code object} axis, or null. */
  private static double @Nullable [] coreMean(int[][] pixels, Rgb bg, double[] object) {
    double vr = object[0] - bg.r();
    double vg = object[1] - bg.g();
    double vb = object[2] - bg.b();
    double norm2 = vr * vr + vg * vg + vb * vb;
    if (norm2 == 0) {
      return null;
    }
    double[] sum = new double[3];
    long count = 0;
    for (int[] frame : pixels) {
      for (int p : frame) {
        int r = red(p);
        int g = green(p);
        int b = blue(p);
        double a = ((r - bg.r()) * vr + (g - bg.g()) * vg + (b - bg.b()) * vb) / norm2;
        if (a > 0.8) {
          sum[0] += r;
          sum[1] += g;
          sum[2] += b;
          count++;
        }
      }
    }
    if (count == 0) {
      return null;
    }
    return new double[] {sum[0] / count, sum[1] / count, sum[2] / count};
  }

  /** Connected components of {@code a > 0.5}, with buffers reused from frame to frame. */
  private static final class Components {
    private final int w;
    private final int h;
    private final int[] label;
    private final int[] stack;

    Components(int w, int h) {
      this.w = w;
      this.h = h;
      this.label = new int[w * h];
      this.stack = new int[w * h];
    }

    /**
     * Bounding box {x0, y0, x1, y1} (inclusive) of the largest 8-connected component of {@code a > 0.5}, or
     * null when it has fewer than {@code minPixels} pixels.
     */
    int @Nullable [] largest(float[] a, int minPixels) {
      Arrays.fill(label, 0);
      int[] best = null;
      int bestSize = 0;
      int next = 0;
      for (int start = 0; start < a.length; start++) {
        if (a[start] <= 0.5f || label[start] != 0) {
          continue;
        }
        next++;
        int size = 0;
        int x0 = w;
        int y0 = h;
        int x1 = -1;
        int y1 = -1;
        int top = 0;
        stack[top++] = start;
        label[start] = next;
        while (top > 0) {
          int i = stack[--top];
          int x = i % w;
          int y = i / w;
          size++;
          x0 = Math.min(x0, x);
          y0 = Math.min(y0, y);
          x1 = Math.max(x1, x);
          y1 = Math.max(y1, y);
          for (int ny = Math.max(0, y - 1); ny <= Math.min(h - 1, y + 1); ny++) {
            for (int nx = Math.max(0, x - 1); nx <= Math.min(w - 1, x + 1); nx++) {
              int j = ny * w + nx;
              if (label[j] == 0 && a[j] > 0.5f) {
                label[j] = next;
                stack[top++] = j;
              }
            }
          }
        }
        if (size > bestSize) {
          bestSize = size;
          best = new int[] {x0, y0, x1, y1};
        }
      }
      return bestSize >= minPixels ? best : null;
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private record Nearest<T>(T best, double confidence) {}

  private static <T> Nearest<T> nearest(List<T> candidates, java.util.function.ToDoubleFunction<T> distance) {
    if (candidates.isEmpty()) {
      throw new IllegalStateException("the domain names no candidates");
    }
    T best = null;
    double d1 = Double.POSITIVE_INFINITY;
    double d2 = Double.POSITIVE_INFINITY;
    for (T c : candidates) {
      double d = distance.applyAsDouble(c);
      if (d < d1) {
        d2 = d1;
        d1 = d;
        best = c;
      } else if (d < d2) {
        d2 = d;
      }
    }
    double confidence = d2 == Double.POSITIVE_INFINITY ? 1 : d2 == 0 ? 0 : 1 - d1 / d2;
    return new Nearest<>(best, confidence);
  }

  private static double[] toDoubles(Rgb rgb) {
    return new double[] {rgb.r(), rgb.g(), rgb.b()};
  }

  private static int clampByte(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }

  private static int red(int p) {
    return (p >> 16) & 0xff;
  }

  private static int green(int p) {
    return (p >> 8) & 0xff;
  }

  private static int blue(int p) {
    return p & 0xff;
  }

  /** Per-channel histograms of 8-bit RGB pixels, for exact medians. */
  private static final class Histogram {
    private final long[][] counts = new long[3][256];
    private long count;

    void add(int p) {
      counts[0][red(p)]++;
      counts[1][green(p)]++;
      counts[2][blue(p)]++;
      count++;
    }

    long count() {
      return count;
    }

    Rgb median() {
      return new Rgb(median(counts[0]), median(counts[1]), median(counts[2]));
    }

    private int median(long[] histogram) {
      long half = (count + 1) / 2;
      long seen = 0;
      for (int v = 0; v < 256; v++) {
        seen += histogram[v];
        if (seen >= half) {
          return v;
        }
      }
      return 255;
    }
  }
}
