package dev.walt.playground;

import dev.walt.worker.GeneratedVideo;
import dev.walt.worker.GenerationContext;
import dev.walt.worker.GenerationTask;
import dev.walt.worker.VideoGenerator;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * A fast, deterministic stand-in for the W.A.L.T cascade in browser tests: a coloured square moving
 * across a gradient, one frame per requested frame. It "samples" {@code steps} steps of
 * {@link #stepMillis(String)} each, checks cancellation before every step and reports progress after
 * it, so that a page can show a moving progress bar and cancel a running job. After every step it also
 * offers a preview, like the cascade's base stage: the frames at a quarter of the size ({@link
 * #PREVIEW_DIVISOR}), the square fading in as the steps go (the worker publishes one every 2 s).
 */
final class MovingSquareGenerator implements VideoGenerator {

  /** 60 ms per step; prompts containing {@code slow} take 400 ms per step (time to press cancel). */
  static long stepMillis(String prompt) {
    return prompt.contains("slow") ? 400 : 60;
  }

  /** Previews are this many times smaller than the video (walt-tiny: base 32x32, video 128x128). */
  static final int PREVIEW_DIVISOR = 4;

  @Override
  public GeneratedVideo generate(GenerationTask task, GenerationContext context) throws Exception {
    long stepMillis = stepMillis(task.prompt());
    for (int step = 1; step <= task.steps(); step++) {
      context.checkCancelled();
      Thread.sleep(stepMillis);
      context.progress(step * 100 / task.steps(), "sampling");
      context.preview(frames(task, task.width() / PREVIEW_DIVISOR, task.height() / PREVIEW_DIVISOR,
          0.3f + 0.7f * step / task.steps()), task.fps());
    }
    context.checkCancelled();
    return new GeneratedVideo(frames(task), task.fps());
  }

  static List<BufferedImage> frames(GenerationTask task) {
    return frames(task, task.width(), task.height(), 1f);
  }

  /** The frames at w x h, the square at {@code opacity} (0 .. 1) over the gradient. */
  static List<BufferedImage> frames(GenerationTask task, int w, int h, float opacity) {
    int side = Math.max(8, Math.min(w, h) / 4);
    Color hue = Color.getHSBColor((task.seed() % 360) / 360f, 0.75f, 0.95f);
    Color square = new Color(hue.getRed(), hue.getGreen(), hue.getBlue(), Math.round(255 * Math.max(0, Math.min(1, opacity))));
    List<BufferedImage> frames = new ArrayList<>(task.frames());
    for (int t = 0; t < task.frames(); t++) {
      BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
      Graphics2D g = image.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setPaint(new GradientPaint(0, 0, new Color(0x1e293b), w, h, new Color(0x312e81)));
      g.fillRect(0, 0, w, h);
      double along = task.frames() == 1 ? 0 : (double) t / (task.frames() - 1);
      int x = (int) Math.round(along * (w - side));
      int y = (int) Math.round((h - side) / 2.0 + Math.sin(along * Math.PI * 2) * (h - side) / 4.0);
      g.setColor(square);
      g.fillRoundRect(x, y, side, side, side / 5, side / 5);
      g.dispose();
      frames.add(image);
    }
    return frames;
  }
}
