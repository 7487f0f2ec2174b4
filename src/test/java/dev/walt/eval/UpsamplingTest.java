package dev.walt.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walt.world.Frames;
import dev.walt.world.SceneRenderer;
import dev.walt.world.Split;
import dev.walt.world.WorldSampler;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpsamplingTest {

  @Test
  void sizeAndUniformImagesStayUniformToTheEdges() {
    BufferedImage src = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        src.setRGB(x, y, 0x4080c0);
      }
    }
    BufferedImage up = Upsampling.bicubic(src, 32, 16);
    assertThat(up.getWidth()).isEqualTo(32);
    assertThat(up.getHeight()).isEqualTo(16);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 32; x++) {
        assertThat(up.getRGB(x, y) & 0xffffff).isEqualTo(0x4080c0);
      }
    }
  }

  @Test
  void pixelCentresMapToPixelCentres() {
    // a bright column at x = 3 of 8 spans x in [6, 8) after doubling: its peak is the pair 6, 7, symmetric
    BufferedImage src = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 8; y++) {
      src.setRGB(3, y, 0xffffff);
    }
    BufferedImage up = Upsampling.bicubic(src, 16, 16);
    int[] row = new int[16];
    for (int x = 0; x < 16; x++) {
      row[x] = up.getRGB(x, 8) & 0xff;
    }
    assertThat(row[6]).isEqualTo(row[7]);
    assertThat(row[5]).isEqualTo(row[8]);
    assertThat(row[4]).isEqualTo(row[9]);
    assertThat(row[6]).isGreaterThan(row[5]).isGreaterThan(200);
    assertThat(row[5]).isGreaterThan(row[4]);
    assertThat(row[0]).isZero();
    assertThat(row[15]).isZero();
  }

  @Test
  void bicubicIsDeterministicAndCloseToTheTruthButNotExact() {
    var scene = new WorldSampler(1).video(Split.TRAIN, 0).scene();
    List<BufferedImage> high = SceneRenderer.render(scene, 0, 3, 128);
    List<BufferedImage> low = Frames.downsample(high, 64);
    List<BufferedImage> up = Upsampling.bicubic(low, 128, 128);
    assertThat(up).hasSize(3);
    double psnr = Psnr.of(up, high);
    assertThat(psnr).isBetween(20.0, 45.0);
    assertThat(Psnr.of(Upsampling.bicubic(low, 128, 128), up)).isInfinite();
  }
}
