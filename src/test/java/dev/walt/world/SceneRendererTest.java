package dev.walt.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class SceneRendererTest {

  @Test
  void edgePixelsHoldTheirCoverage() {
    // a red square of side 64 px on black, its left edge at x = 96.25 px: pixel 96 is 3/4 covered
    Scene s = new Scene(Shape.SQUARE, Colour.RED, Background.BLACK, Motion.RIGHT, 0.25, 128.25 / 256, 0.5, 0.3, 17, 0);
    BufferedImage frame = SceneRenderer.renderFrame(s, 0, 256);
    assertThat(frame.getRGB(95, 128) & 0xffffff).isZero();
    assertThat(frame.getRGB(96, 128) & 0xffffff).isEqualTo((165 << 16) | (30 << 8) | 30);
    assertThat(frame.getRGB(97, 128) & 0xffffff).isEqualTo(Colour.RED.rgb().packed());
    assertThat(frame.getRGB(159, 128) & 0xffffff).isEqualTo(Colour.RED.rgb().packed());
    // the right edge at 160.25: pixel 160 is 1/4 covered
    assertThat(frame.getRGB(160, 128) & 0xffffff).isEqualTo((55 << 16) | (10 << 8) | 10);
    assertThat(frame.getRGB(161, 128) & 0xffffff).isZero();
  }

  @Test
  void circleAndTriangleCoverTheirArea() {
    for (Shape shape : Shape.values()) {
      Scene s = new Scene(shape, Colour.GREEN, Background.BLACK, Motion.DOWN, 0.3, 0.4, 0.4, 0.3, 17, 0);
      BufferedImage frame = SceneRenderer.renderFrame(s, 0, 256);
      double covered = 0;
      for (int y = 0; y < 256; y++) {
        for (int x = 0; x < 256; x++) {
          covered += ((frame.getRGB(x, y) >> 8) & 0xff) / 190.0;
        }
      }
      double expected = shape.fillRatio() * Math.pow(0.3 * 256, 2);
      assertThat(covered / expected).as(shape.word()).isBetween(0.998, 1.002);
    }
  }

  @Test
  void pixelsArePinned() {
    // a change here changes every training clip: only intended changes of the world may update it
    Scene s = new WorldSampler(0).video(Split.TRAIN, 0).scene();
    CRC32 crc = new CRC32();
    for (BufferedImage frame : SceneRenderer.render(s, 64)) {
      ByteBuffer bytes = ByteBuffer.allocate(64 * 64 * 4);
      bytes.asIntBuffer().put(frame.getRGB(0, 0, 64, 64, null, 0, 64));
      crc.update(bytes);
    }
    assertThat(Long.toHexString(crc.getValue())).isEqualTo("43b9d1d");
  }
}
