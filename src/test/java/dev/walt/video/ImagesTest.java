package dev.walt.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ImagesTest {

  /** Three vertical bands of {@code band} pixels each: red, green, blue. */
  private static BufferedImage verticalBands(int band, int height) {
    BufferedImage image = new BufferedImage(3 * band, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.RED);
    g.fillRect(0, 0, band, height);
    g.setColor(Color.GREEN);
    g.fillRect(band, 0, band, height);
    g.setColor(Color.BLUE);
    g.fillRect(2 * band, 0, band, height);
    g.dispose();
    return image;
  }

  /** Three horizontal bands of {@code band} pixels each: red, green, blue. */
  private static BufferedImage horizontalBands(int width, int band) {
    BufferedImage image = new BufferedImage(width, 3 * band, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.RED);
    g.fillRect(0, 0, width, band);
    g.setColor(Color.GREEN);
    g.fillRect(0, band, width, band);
    g.setColor(Color.BLUE);
    g.fillRect(0, 2 * band, width, band);
    g.dispose();
    return image;
  }

  private static void assertColour(BufferedImage image, int x, int y, int rgb) {
    int actual = image.getRGB(x, y) & 0xffffff;
    for (int shift = 0; shift <= 16; shift += 8) {
      assertThat(Math.abs(((actual >> shift) & 0xff) - ((rgb >> shift) & 0xff)))
          .as("channel %d at (%d, %d): %06x vs %06x", shift / 8, x, y, actual, rgb)
          .isLessThanOrEqualTo(2);
    }
  }

  @Test
  void wideImageKeepsItsCentreColumns() {
    // 300x100 to 60x40: covering scale is 0.4 (height), the centre 150x100 (x 75..225) is kept;
    // red x 75..100 -> 0..10, green 100..200 -> 10..50, blue 200..225 -> 50..60
    BufferedImage out = Images.resizeAndCenterCrop(verticalBands(100, 100), 60, 40);

    assertThat(out.getWidth()).isEqualTo(60);
    assertThat(out.getHeight()).isEqualTo(40);
    assertThat(out.getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
    for (int y : new int[] {0, 20, 39}) {
      assertColour(out, 0, y, 0xff0000);
      assertColour(out, 8, y, 0xff0000);
      assertColour(out, 12, y, 0x00ff00);
      assertColour(out, 47, y, 0x00ff00);
      assertColour(out, 52, y, 0x0000ff);
      assertColour(out, 59, y, 0x0000ff);
    }
  }

  @Test
  void tallImageKeepsItsCentreRows() {
    // 100x300 to 40x40: scale 0.4 (width), the centre 100x100 (y 100..200, all green) is kept
    BufferedImage out = Images.resizeAndCenterCrop(horizontalBands(100, 100), 40, 40);

    assertThat(out.getWidth()).isEqualTo(40);
    assertThat(out.getHeight()).isEqualTo(40);
    for (int y = 0; y < 40; y++) {
      assertColour(out, 0, y, 0x00ff00);
      assertColour(out, 39, y, 0x00ff00);
    }
  }

  @Test
  void exactCropWithoutScalingCopiesPixels() {
    // 300x100 to 100x100: scale 1, the green band exactly
    BufferedImage source = verticalBands(100, 100);
    source.setRGB(100, 0, 0x123456);
    source.setRGB(199, 99, 0x654321);

    BufferedImage out = Images.resizeAndCenterCrop(source, 100, 100);

    assertThat(out.getRGB(0, 0) & 0xffffff).isEqualTo(0x123456);
    assertThat(out.getRGB(99, 99) & 0xffffff).isEqualTo(0x654321);
    assertThat(out.getRGB(50, 50) & 0xffffff).isEqualTo(0x00ff00);
  }

  @Test
  void sameSizeReturnsAnEqualCopyNotTheInput() {
    BufferedImage source = TestMedia.patternFrame(64, 48, 0, 1);

    BufferedImage out = Images.resizeAndCenterCrop(source, 64, 48);

    assertThat(out).isNotSameAs(source);
    assertThat(TestMedia.psnr(source, out)).isInfinite();
  }

  @Test
  void smallImageIsEnlargedToCover() {
    // 10x20 to 64x64: the centre 10x10 (y 5..15) scaled up 6.4x
    BufferedImage source = horizontalBands(10, 5); // 10x15: red 0..5, green 5..10, blue 10..15
    BufferedImage out = Images.resizeAndCenterCrop(source, 64, 64);

    assertThat(out.getWidth()).isEqualTo(64);
    assertThat(out.getHeight()).isEqualTo(64);
    // crop 10x10 at y 2..12 -> red 2..5 (rows 0..19), green 5..10 (19..45), blue 10..12 (45..64)
    assertColour(out, 32, 5, 0xff0000);
    assertColour(out, 32, 32, 0x00ff00);
    assertColour(out, 32, 60, 0x0000ff);
  }

  @Test
  void largeDownscaleAveragesDetailInsteadOfAliasing() {
    // a 1-pixel checkerboard of black and white averages to mid grey at any reduction
    BufferedImage checker = new BufferedImage(1024, 768, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < 768; y++) {
      for (int x = 0; x < 1024; x++) {
        checker.setRGB(x, y, ((x + y) & 1) == 0 ? 0xffffff : 0x000000);
      }
    }

    BufferedImage out = Images.resizeAndCenterCrop(checker, 100, 100);

    for (int y = 0; y < 100; y += 7) {
      for (int x = 0; x < 100; x += 7) {
        assertThat(out.getRGB(x, y) & 0xff).as("(%d, %d)", x, y).isBetween(120, 135);
      }
    }
  }

  @Test
  void transparentImagesAreFlattenedOntoWhite() {
    BufferedImage argb = new BufferedImage(20, 20, BufferedImage.TYPE_INT_ARGB);

    BufferedImage out = Images.resizeAndCenterCrop(argb, 10, 10);

    assertColour(out, 5, 5, 0xffffff);
  }

  @Test
  void fitShrinksTheLongerSideOnly() {
    BufferedImage wide = new BufferedImage(400, 100, BufferedImage.TYPE_3BYTE_BGR);
    BufferedImage small = new BufferedImage(40, 10, BufferedImage.TYPE_3BYTE_BGR);

    BufferedImage fitted = Images.fit(wide, 200);

    assertThat(fitted.getWidth()).isEqualTo(200);
    assertThat(fitted.getHeight()).isEqualTo(50);
    assertThat(Images.fit(small, 200)).isSameAs(small);
  }

  @Test
  void targetSizeMustBePositive() {
    BufferedImage source = new BufferedImage(4, 4, BufferedImage.TYPE_3BYTE_BGR);

    assertThatThrownBy(() -> Images.resizeAndCenterCrop(source, 0, 4))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
