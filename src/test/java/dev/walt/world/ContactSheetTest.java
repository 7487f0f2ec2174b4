package dev.walt.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContactSheetTest {

  @Test
  void rowsOfEveryStepthFrame() {
    Scene s = new WorldSampler(0).video(Split.TRAIN, 0).scene();
    List<BufferedImage> clip = SceneRenderer.render(s, 32);
    BufferedImage sheet = ContactSheet.of(List.of(clip, clip), 4);
    assertThat(sheet.getWidth()).isEqualTo(5 * 34 - 2); // frames 0, 4, 8, 12, 16
    assertThat(sheet.getHeight()).isEqualTo(2 * 34 - 2);
    assertThat(sheet.getRGB(4 * 34 + 5, 34 + 7)).isEqualTo(clip.get(16).getRGB(5, 7));
  }
}
