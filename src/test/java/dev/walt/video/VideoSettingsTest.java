package dev.walt.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

class VideoSettingsTest {

  private static VideoSettings bind(Map<String, String> properties) {
    return new Binder(new MapConfigurationPropertySource(properties))
        .bindOrCreate("walt.video", VideoSettings.class);
  }

  @Test
  void springDefaultsEqualTheDefaultsForPlainJava() {
    assertThat(bind(Map.of())).isEqualTo(VideoSettings.defaults());
    assertThat(VideoSettings.defaults().maxImageSize()).isEqualTo(DataSize.ofMegabytes(10));
    assertThat(VideoSettings.defaults().maxImagePixels()).isEqualTo(4096L * 4096L);
  }

  @Test
  void propertiesBindWithUnits() {
    VideoSettings settings =
        bind(
            Map.of(
                "walt.video.max-image-size", "2MB",
                "walt.video.h264-crf", "20",
                "walt.video.h264-preset", "fast"));

    assertThat(settings.maxImageSize()).isEqualTo(DataSize.ofMegabytes(2));
    assertThat(settings.h264Crf()).isEqualTo(20);
    assertThat(settings.h264Preset()).isEqualTo("fast");
  }

  @Test
  void unknownPresetIsRefused() {
    assertThatThrownBy(() -> bind(Map.of("walt.video.h264-preset", "warp")))
        .isInstanceOf(BindException.class)
        .rootCause()
        .hasMessageContaining("h264-preset");
  }
}
