package dev.walt.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClipTest {

  @Test
  void framesMustShareOneSize() {
    List<BufferedImage> frames =
        List.of(
            new BufferedImage(4, 3, BufferedImage.TYPE_3BYTE_BGR),
            new BufferedImage(4, 2, BufferedImage.TYPE_3BYTE_BGR));

    assertThatThrownBy(() -> new Clip(frames, 24))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("frame 1 is 4x2, frame 0 is 4x3");
  }

  @Test
  void aClipNeedsFramesAndASensibleFps() {
    BufferedImage frame = new BufferedImage(2, 2, BufferedImage.TYPE_3BYTE_BGR);

    assertThatThrownBy(() -> new Clip(List.of(), 24)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Clip(List.of(frame), 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Clip(List.of(frame), 241)).isInstanceOf(IllegalArgumentException.class);
    Clip clip = new Clip(List.of(frame, frame, frame), 24);
    assertThat(clip.frameCount()).isEqualTo(3);
    assertThat(clip.width()).isEqualTo(2);
    assertThat(clip.height()).isEqualTo(2);
    assertThat(clip.durationSeconds()).isEqualTo(0.125);
  }

  @Test
  void theFrameListIsCopied() {
    List<BufferedImage> frames = new ArrayList<>();
    frames.add(new BufferedImage(2, 2, BufferedImage.TYPE_3BYTE_BGR));
    Clip clip = new Clip(frames, 24);

    frames.add(new BufferedImage(2, 2, BufferedImage.TYPE_3BYTE_BGR));

    assertThat(clip.frameCount()).isEqualTo(1);
  }

  @Test
  void fromRgbReadsChannelMajorTimeHeightWidth() {
    int t = 2;
    int h = 2;
    int w = 3;
    float[] rgb = new float[3 * t * h * w];
    // (c, t, y, x) at c*T*H*W + t*H*W + y*W + x
    rgb[0 * 12 + 1 * 6 + 1 * 3 + 2] = 1f; // R of frame 1, pixel (x=2, y=1)
    rgb[1 * 12 + 1 * 6 + 1 * 3 + 2] = -1f; // G
    rgb[2 * 12 + 1 * 6 + 1 * 3 + 2] = 0f; // B
    rgb[1 * 12 + 0 * 6 + 0 * 3 + 1] = 0.5f; // G of frame 0, pixel (1, 0)

    Clip clip = Clip.fromRgb(rgb, t, h, w, 12);

    assertThat(clip.fps()).isEqualTo(12);
    assertThat(clip.width()).isEqualTo(3);
    assertThat(clip.height()).isEqualTo(2);
    // 1 -> 255, -1 -> 0, 0 -> 127.5 -> 128
    assertThat(clip.frames().get(1).getRGB(2, 1) & 0xffffff).isEqualTo(0xff0080);
    assertThat(clip.frames().get(0).getRGB(1, 0) & 0xffffff).isEqualTo(0x80bf80); // 0.5 -> 191.25 -> 191
    assertThat(clip.frames().get(0).getRGB(0, 0) & 0xffffff).isEqualTo(0x808080); // 0 -> 127.5 -> 128
  }

  @Test
  void valuesOutsideTheRangeAreClamped() {
    float[] rgb = {2f, -3f, Float.NaN};

    Clip clip = Clip.fromRgb(rgb, 1, 1, 1, 24);

    assertThat(clip.frames().get(0).getRGB(0, 0) & 0xffffff).isEqualTo(0xff0000);
  }

  @Test
  void bytesSurviveTheRoundTripThroughFloatsExactly() {
    Clip clip = TestMedia.movingPattern(33, 17, 3, 24);

    float[] rgb = clip.toRgb();
    Clip back = Clip.fromRgb(rgb, 3, 17, 33, 24);

    assertThat(rgb).hasSize(3 * 3 * 17 * 33);
    for (float v : rgb) {
      assertThat(v).isBetween(-1f, 1f);
    }
    for (int t = 0; t < 3; t++) {
      assertThat(TestMedia.psnr(clip.frames().get(t), back.frames().get(t))).isInfinite();
    }
    // and every byte value maps to a distinct float that maps back to it
    for (int b = 0; b < 256; b++) {
      assertThat(Clip.toByte(Clip.toUnit((byte) b)) & 0xff).isEqualTo(b);
    }
    assertThat(Clip.toUnit((byte) 0)).isEqualTo(-1f);
    assertThat(Clip.toUnit((byte) 255)).isEqualTo(1f);
  }

  @Test
  void toRgbWritesPlanesInChannelTimeHeightWidthOrder() {
    BufferedImage f0 = TestMedia.solid(2, 1, new java.awt.Color(255, 0, 0));
    BufferedImage f1 = TestMedia.solid(2, 1, new java.awt.Color(0, 255, 0));
    f1.setRGB(1, 0, 0x0000ff);

    float[] rgb = new Clip(List.of(f0, f1), 24).toRgb();

    // R plane: frame 0 (x0, x1), frame 1 (x0, x1); then G plane; then B plane
    assertThat(rgb).containsExactly(1, 1, -1, -1, -1, -1, 1, -1, -1, -1, -1, 1);
  }

  @Test
  void batchOffsetsWriteAndReadOneItemOfABatch() {
    Clip first = TestMedia.movingPattern(8, 6, 2, 24);
    Clip second = TestMedia.movingPattern(8, 6, 2, 24).frames().stream().collect(
        java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(), l -> {
          java.util.Collections.reverse(l);
          return new Clip(l, 24);
        }));
    int item = 3 * 2 * 6 * 8;
    float[] batch = new float[2 * item]; // (B=2, 3, T=2, H=6, W=8)

    first.toRgb(batch, 0);
    second.toRgb(batch, item);
    Clip back = Clip.fromRgb(batch, item, 2, 6, 8, 24);

    assertThat(TestMedia.psnr(second.frames().get(0), back.frames().get(0))).isInfinite();
    assertThat(TestMedia.psnr(second.frames().get(1), back.frames().get(1))).isInfinite();
    assertThatThrownBy(() -> first.toRgb(batch, item + 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Clip.fromRgb(batch, item + 1, 2, 6, 8, 24))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Clip.fromRgb(batch, 2, 6, 8, 24)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void framesOfAnyImageTypeConvert() {
    BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
    argb.setRGB(0, 0, 0xff00ff00);
    argb.setRGB(1, 0, 0x00000000); // transparent: white

    float[] rgb = new Clip(List.of(argb), 24).toRgb();

    assertThat(rgb).containsExactly(-1, 1, 1, 1, -1, 1);
  }
}
