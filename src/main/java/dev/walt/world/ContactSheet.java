package dev.walt.world;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A PNG overview of examples: one row per clip, its frames side by side (every {@code step}-th frame), for
 * looking at the world, at generated clips, or at both next to each other in a model card.
 */
public final class ContactSheet {

  private ContactSheet() {}

  /** Clips (frames of one size) as rows of every {@code step}-th frame, separated by a 2-pixel gap. */
  public static BufferedImage of(List<List<BufferedImage>> clips, int step) {
    if (clips.isEmpty() || step < 1) {
      throw new IllegalArgumentException("need clips and a positive step");
    }
    int w = clips.get(0).get(0).getWidth();
    int h = clips.get(0).get(0).getHeight();
    int columns = clips.stream().mapToInt(c -> (c.size() + step - 1) / step).max().orElse(1);
    int gap = 2;
    BufferedImage sheet = new BufferedImage(
        columns * (w + gap) - gap, clips.size() * (h + gap) - gap, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = sheet.createGraphics();
    try {
      g.setColor(java.awt.Color.DARK_GRAY);
      g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
      for (int row = 0; row < clips.size(); row++) {
        List<BufferedImage> clip = clips.get(row);
        for (int t = 0, col = 0; t < clip.size(); t += step, col++) {
          g.drawImage(clip.get(t), col * (w + gap), row * (h + gap), null);
        }
      }
    } finally {
      g.dispose();
    }
    return sheet;
  }

  /**
   * Writes a sheet of examples of the world: {@code java ... dev.walt.world.ContactSheet out.png [seed] [rows]
   * [resolution]} prints each row's caption.
   */
  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "world.png");
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 0;
    int rows = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    int resolution = args.length > 3 ? Integer.parseInt(args[3]) : 64;
    WorldSampler sampler = new WorldSampler(seed);
    List<List<BufferedImage>> clips = new java.util.ArrayList<>();
    for (int i = 0; i < rows; i++) {
      Example e = sampler.video(Split.TRAIN, i);
      clips.add(SceneRenderer.render(e.scene(), resolution));
      System.out.println(i + ": " + e.caption());
    }
    ImageIO.write(of(clips, 4), "png", out.toFile());
    System.out.println("wrote " + out);
  }
}
