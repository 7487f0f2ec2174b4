package dev.walt.training;

import dev.walt.world.Scene;
import dev.walt.world.SceneRenderer;
import dev.walt.world.Shape;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Where a scene's shape shows: for each position of its latent grid, how far the pixels that position encodes
 * change when the object takes another shape (the same colour, size, place and motion). The corners of a square,
 * the tip of a triangle and the rim of a disc score high, the object's inside and the background zero. A
 * denoiser that draws the average of the shapes errs exactly there, on a few percent of the positions, so a
 * loss weighted by this map puts the outline's share of the error in proportion to what it decides.
 *
 * <p>Measured in pixels, not latents: the scene is rendered with each other shape at the stage's resolution,
 * the largest RGB distance (summed over the channels, in 8-bit steps) per pixel is averaged over the pixels
 * each latent position covers ({@code spatial x spatial} pixels of frame 0 for latent frame 0, of frames
 * {@code temporal (t - 1) + 1 .. temporal t} for latent frame {@code t}: the causal autoencoder's layout).
 */
final class OutlineMap {

  private OutlineMap() {}

  /**
   * The map of {@code scene}'s frames {@code 0 .. frames - 1} at {@code resolution}.
   *
   * @param spatial the autoencoder's spatial factor (pixels per latent position along a side)
   * @param temporal the autoencoder's temporal factor (frames per latent frame after the first)
   * @return (T', H', W') row-major, {@code T' = 1 + (frames - 1) / temporal}, {@code H' = W' = resolution /
   *     spatial}
   */
  static float[] of(Scene scene, int frames, int resolution, int spatial, int temporal) {
    if (resolution % spatial != 0 || (frames - 1) % temporal != 0) {
      throw new IllegalArgumentException(
          "a " + frames + "-frame clip at " + resolution + " px does not fill a latent grid of " + spatial + " x "
              + temporal);
    }
    int pixels = resolution * resolution;
    int[][] own = argb(SceneRenderer.render(scene, 0, frames, resolution), pixels);
    float[] distance = new float[frames * pixels];
    for (Shape other : Shape.values()) {
      if (other == scene.shape()) {
        continue;
      }
      int[][] changed = argb(SceneRenderer.render(scene.withShape(other), 0, frames, resolution), pixels);
      for (int f = 0; f < frames; f++) {
        for (int i = 0; i < pixels; i++) {
          int a = own[f][i];
          int b = changed[f][i];
          int d = Math.abs(((a >> 16) & 0xff) - ((b >> 16) & 0xff)) + Math.abs(((a >> 8) & 0xff) - ((b >> 8) & 0xff))
              + Math.abs((a & 0xff) - (b & 0xff));
          distance[f * pixels + i] = Math.max(distance[f * pixels + i], d);
        }
      }
    }
    int side = resolution / spatial;
    int latentFrames = 1 + (frames - 1) / temporal;
    float[] map = new float[latentFrames * side * side];
    for (int t = 0; t < latentFrames; t++) {
      int first = t == 0 ? 0 : temporal * (t - 1) + 1;
      int last = t == 0 ? 0 : temporal * t;
      float scale = 1f / ((last - first + 1) * spatial * spatial);
      for (int f = first; f <= last; f++) {
        for (int y = 0; y < resolution; y++) {
          for (int x = 0; x < resolution; x++) {
            map[(t * side + y / spatial) * side + x / spatial] += distance[f * pixels + y * resolution + x] * scale;
          }
        }
      }
    }
    return map;
  }

  private static int[][] argb(List<BufferedImage> frames, int pixels) {
    int[][] out = new int[frames.size()][];
    for (int f = 0; f < frames.size(); f++) {
      BufferedImage image = frames.get(f);
      out[f] = image.getRGB(0, 0, image.getWidth(), image.getHeight(), new int[pixels], 0, image.getWidth());
    }
    return out;
  }
}
