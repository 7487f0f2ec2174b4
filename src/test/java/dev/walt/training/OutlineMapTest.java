package dev.walt.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walt.world.Background;
import dev.walt.world.Colour;
import dev.walt.world.Motion;
import dev.walt.world.Scene;
import dev.walt.world.Shape;
import dev.walt.world.World;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class OutlineMapTest {

  /** A red square of side 0.3 centred at (0.3, 0.5), moving right by 0.4 over the clip. */
  private static Scene square(int frames) {
    return new Scene(Shape.SQUARE, Colour.RED, Background.BLACK, Motion.RIGHT, 0.3, 0.3, 0.5, frames > 1 ? 0.4 : 0,
        frames, 7);
  }

  @Test
  void theMapIsZeroAwayFromTheObjectAndHighOnItsOutline() {
    float[] map = OutlineMap.of(square(World.FRAMES), World.FRAMES, 64, 4, 4);
    assertEquals(5 * 16 * 16, map.length);
    // latent frame 0 (pixel frame 0): the square spans x in [0.15, 0.45] and y in [0.35, 0.65] of the side, cells
    // 2.4 .. 7.2 and 5.6 .. 10.4 of 16
    float max = 0;
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        float v = map[y * 16 + x];
        if (x <= 1 || x >= 9 || y <= 4 || y >= 11) {
          assertEquals(0f, v, "cell (" + x + ", " + y + ") is background in every shape");
        }
        max = Math.max(max, v);
      }
    }
    assertTrue(max > 100, "the corners change by far more than 100 8-bit steps when the square is a disc: " + max);
    // inside the square's top-left corner (cell x 3, y 6): the upward triangle leaves it empty
    assertTrue(map[6 * 16 + 3] > 0.5 * max, "top-left corner cell " + map[6 * 16 + 3]);
    // the square's centre (cell x 4, y 8) is inside every shape
    assertEquals(0f, map[8 * 16 + 4], 1e-3f);
  }

  @Test
  void latentFrameZeroIsTheFirstFramesMapAndLaterOnesFollowTheObject() {
    float[] video = OutlineMap.of(square(World.FRAMES), World.FRAMES, 64, 4, 4);
    float[] still = OutlineMap.of(square(1), 1, 64, 4, 4);
    assertArrayEquals(still, Arrays.copyOf(video, 256), 1e-4f);
    // the object moves right: the map's centre of mass moves right, not up or down
    double[] first = centre(video, 0);
    double[] last = centre(video, 4);
    assertTrue(last[0] - first[0] > 4, "moved " + (last[0] - first[0]) + " cells right");
    assertEquals(first[1], last[1], 0.5);
  }

  @Test
  void aClipThatDoesNotFillTheLatentGridIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> OutlineMap.of(square(World.FRAMES), 16, 64, 4, 4));
    assertThrows(IllegalArgumentException.class, () -> OutlineMap.of(square(World.FRAMES), World.FRAMES, 66, 4, 4));
  }

  private static double[] centre(float[] map, int t) {
    double sum = 0;
    double sx = 0;
    double sy = 0;
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        double v = map[(t * 16 + y) * 16 + x];
        sum += v;
        sx += v * x;
        sy += v * y;
      }
    }
    return new double[] {sx / sum, sy / sum};
  }
}
