package dev.walt.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class FramesTest {

  @Test
  void arrayIsChannelsThenFramesThenRowsInMinusOneToOne() {
    BufferedImage f0 = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
    BufferedImage f1 = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
    f0.setRGB(2, 1, 0xff0080); // r 255, g 0, b 128
    f1.setRGB(0, 0, 0xffffff);
    float[] a = Frames.toArray(List.of(f0, f1));
    assertThat(a).hasSize(3 * 2 * 2 * 3);
    int plane = 2 * 2 * 3;
    int at = (0 * 2 + 1) * 3 + 2; // t 0, y 1, x 2
    assertThat(a[at]).isEqualTo(1f);
    assertThat(a[plane + at]).isEqualTo(-1f);
    assertThat(a[2 * plane + at]).isEqualTo(128 / 127.5f - 1f);
    int at1 = (1 * 2 + 0) * 3 + 0; // t 1, y 0, x 0
    assertThat(a[at1]).isEqualTo(1f);
    assertThat(a[2 * plane + at1]).isEqualTo(1f);
    assertThat(a[1]).isEqualTo(-1f);
  }

  @Test
  void eightBitFramesSurviveTheRoundTripExactly() {
    Scene s = new WorldSampler(9).video(Split.TRAIN, 0).scene();
    List<BufferedImage> frames = SceneRenderer.render(s, 32);
    float[] a = Frames.toArray(frames);
    for (float v : a) {
      assertThat(v).isBetween(-1f, 1f);
    }
    List<BufferedImage> back = Frames.fromArray(a, World.FRAMES, 32, 32);
    for (int t = 0; t < World.FRAMES; t++) {
      assertThat(back.get(t).getRGB(0, 0, 32, 32, null, 0, 32))
          .isEqualTo(frames.get(t).getRGB(0, 0, 32, 32, null, 0, 32));
    }
  }

  @Test
  void valuesOutsideTheRangeAreClampedAndRounded() {
    float[] a = {2f, -3f, 0f};
    int p = Frames.fromArray(a, 1, 1, 1).get(0).getRGB(0, 0) & 0xffffff;
    assertThat(p).isEqualTo((255 << 16) | (0 << 8) | 128);
  }

  @Test
  void downsamplingAveragesBlocks() {
    BufferedImage src = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    src.setRGB(0, 0, 0xff0000);
    src.setRGB(1, 0, 0xff0000);
    src.setRGB(0, 1, 0x0000ff);
    src.setRGB(3, 3, 0x030303);
    BufferedImage out = Frames.downsample(src, 2);
    assertThat(out.getRGB(0, 0) & 0xffffff).isEqualTo((128 << 16) | 64); // (255 + 255) / 4 rounds to 128, 255 / 4 to 64
    assertThat(out.getRGB(1, 0) & 0xffffff).isZero();
    assertThat(out.getRGB(1, 1) & 0xffffff).isEqualTo(0x010101); // 3 / 4 rounds to 1
    assertThatThrownBy(() -> Frames.downsample(src, 3)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyStageIsTheAreaAverageOfTheFullRendering() {
    Scene s = new WorldSampler(10).video(Split.TRAIN, 1).scene();
    BufferedImage full = SceneRenderer.renderFrame(s, 8, 256);
    int[] p = full.getRGB(0, 0, 256, 256, null, 0, 256);
    for (int res : World.STAGE_RESOLUTIONS) {
      BufferedImage small = SceneRenderer.renderFrame(s, 8, res);
      assertThat(small.getWidth()).isEqualTo(res);
      int k = 256 / res;
      int ox = res / 2;
      int oy = res / 3;
      long g = 0;
      for (int y = oy * k; y < (oy + 1) * k; y++) {
        for (int x = ox * k; x < (ox + 1) * k; x++) {
          g += (p[y * 256 + x] >> 8) & 0xff;
        }
      }
      assertThat((small.getRGB(ox, oy) >> 8) & 0xff).isEqualTo((int) ((g + k * k / 2) / (k * k)));
    }
    assertThatThrownBy(() -> SceneRenderer.renderFrame(s, 0, 48)).isInstanceOf(IllegalArgumentException.class);
  }
}
