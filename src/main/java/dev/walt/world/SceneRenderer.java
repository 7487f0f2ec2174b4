package dev.walt.world;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Renders scenes: each frame is drawn anti-aliased with Java2D at {@link World#RESOLUTION} and area-averaged
 * (exact box filter over integer blocks) to a lower resolution, so the frames of every stage are consistent
 * down-samplings of one another. Deterministic: same scene, same pixels.
 */
public final class SceneRenderer {

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
    Arrays.fill(Frames.data(image), scene.background().rgb().packed());
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.setColor(new java.awt.Color(scene.colour().rgb().packed()));
      g.fill(scene.shape().outline(scene.xAt(t) * n, scene.yAt(t) * n, scene.size() * n));
    } finally {
      g.dispose();
    }
    return image;
  }
}
