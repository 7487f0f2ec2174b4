package dev.walt.world;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Renders scenes: each frame is drawn anti-aliased at {@link World#RESOLUTION} by supersampling (the
 * coverage of every pixel on the shape's edge is counted on an 8 x 8 grid of sub-pixel samples; pixels wholly
 * inside or outside are found from the shape's edge distance) and area-averaged (exact box filter over integer
 * blocks) to a lower resolution, so the frames of every stage are consistent down-samplings of one another.
 * Pure integer and double arithmetic: the same scene gives the same pixels on every JVM.
 */
public final class SceneRenderer {

  /** Sub-pixel samples per side of an edge pixel. */
  static final int SAMPLES = 8;

  /** Half the diagonal of a pixel: a pixel whose centre is this far inside (outside) is wholly so. */
  private static final double HALF_DIAGONAL = Math.sqrt(0.5);

  private SceneRenderer() {}

  /** Every frame of a scene ({@link Scene#frames()} of them) at a resolution that divides 256. */
  public static List<BufferedImage> render(Scene scene, int resolution) {
    return render(scene, 0, scene.frames(), resolution);
  }

  /** Frames {@code [from, from + count)} of a scene, at a resolution that divides 256. */
  public static List<BufferedImage> render(Scene scene, int from, int count, int resolution) {
    if (from < 0 || count < 1 || from + count > scene.frames()) {
      throw new IllegalArgumentException(
          "frames [" + from + ", " + (from + count) + ") outside a " + scene.frames() + "-frame scene");
    }
    List<BufferedImage> frames = new ArrayList<>(count);
    for (int t = from; t < from + count; t++) {
      frames.add(renderFrame(scene, t, resolution));
    }
    return frames;
  }

  /** Frame {@code t} of a scene at a resolution that divides 256. */
  public static BufferedImage renderFrame(Scene scene, int t, int resolution) {
    Frames.checkResolution(resolution);
    return Frames.downsample(renderFull(scene, t), resolution);
  }

  private static BufferedImage renderFull(Scene scene, int t) {
    int n = World.RESOLUTION;
    BufferedImage image = new BufferedImage(n, n, BufferedImage.TYPE_INT_RGB);
    int[] pixels = Frames.data(image);
    Rgb bg = scene.background().rgb();
    Rgb fg = scene.colour().rgb();
    Arrays.fill(pixels, bg.packed());
    Shape shape = scene.shape();
    double cx = scene.xAt(t) * n;
    double cy = scene.yAt(t) * n;
    double size = scene.size() * n;
    int x0 = Math.max(0, (int) Math.floor(cx - size / 2) - 1);
    int x1 = Math.min(n - 1, (int) Math.ceil(cx + size / 2) + 1);
    int y0 = Math.max(0, (int) Math.floor(cy - size / 2) - 1);
    int y1 = Math.min(n - 1, (int) Math.ceil(cy + size / 2) + 1);
    for (int y = y0; y <= y1; y++) {
      for (int x = x0; x <= x1; x++) {
        double d = shape.edgeDistance(x + 0.5, y + 0.5, cx, cy, size);
        int covered;
        if (d >= HALF_DIAGONAL) {
          covered = SAMPLES * SAMPLES;
        } else if (d <= -HALF_DIAGONAL) {
          continue;
        } else {
          covered = 0;
          for (int j = 0; j < SAMPLES; j++) {
            double sy = y + (j + 0.5) / SAMPLES;
            for (int i = 0; i < SAMPLES; i++) {
              if (shape.edgeDistance(x + (i + 0.5) / SAMPLES, sy, cx, cy, size) > 0) {
                covered++;
              }
            }
          }
        }
        pixels[y * n + x] = blend(bg, fg, covered);
      }
    }
    return image;
  }

  /** {@code bg + (fg - bg) * covered / SAMPLES^2} per channel, rounded half up. */
  private static int blend(Rgb bg, Rgb fg, int covered) {
    int all = SAMPLES * SAMPLES;
    int r = bg.r() + Math.floorDiv(2 * (fg.r() - bg.r()) * covered + all, 2 * all);
    int g = bg.g() + Math.floorDiv(2 * (fg.g() - bg.g()) * covered + all, 2 * all);
    int b = bg.b() + Math.floorDiv(2 * (fg.b() - bg.b()) * covered + all, 2 * all);
    return (r << 16) | (g << 8) | b;
  }
}
