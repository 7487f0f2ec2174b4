package dev.walt.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class PsnrTest {

  @Test
  void matchesAHandComputation() {
    BufferedImage a = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
    BufferedImage b = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
    a.setRGB(0, 0, 0x0a0000); // red 10 vs 0
    b.setRGB(1, 0, 0x000004); // blue 0 vs 4
    // squared errors 100 and 16 over 2 pixels x 3 channels: MSE = 116 / 6
    assertThat(Psnr.of(a, b)).isCloseTo(10 * Math.log10(255.0 * 255 / (116.0 / 6)), offset(1e-12));
    assertThat(Psnr.of(a, b)).isCloseTo(35.267, offset(1e-3));
  }

  @Test
  void averagesOverFramesAndIsInfiniteForIdenticalClips() {
    BufferedImage black = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    BufferedImage grey = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        grey.setRGB(x, y, 0x101010);
      }
    }
    // one frame differs by 16 everywhere, the other not at all: MSE = 256 / 2
    assertThat(Psnr.of(List.of(black, black), List.of(grey, black)))
        .isCloseTo(10 * Math.log10(255.0 * 255 / 128), offset(1e-12));
    assertThat(Psnr.of(List.of(black), List.of(black))).isInfinite();
    assertThatThrownBy(() -> Psnr.of(List.of(black), List.of(black, black))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void floatArraysUseThePeakToPeakRangeOfTwo() {
    float[] a = {-1f, 0f, 1f, 0.5f};
    float[] b = {-1f, 0.2f, 1f, 0.5f};
    // MSE = 0.04 / 4 = 0.01; PSNR = 10 log10(4 / 0.01) = 26.02
    assertThat(Psnr.of(a, b)).isCloseTo(10 * Math.log10(400), offset(1e-6));
    assertThat(Psnr.fromMse(0.01, 2)).isCloseTo(26.0206, offset(1e-4));
  }
}
