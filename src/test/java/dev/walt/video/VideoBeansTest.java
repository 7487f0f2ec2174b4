package dev.walt.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The beans of this package pick up {@code walt.video.*} when Spring creates them. */
class VideoBeansTest {

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(VideoSettings.class)
  @Import({VideoEncoder.class, VideoDecoder.class, ImageDecoder.class})
  static class VideoBeans {}

  private final ApplicationContextRunner context =
      new ApplicationContextRunner()
          .withUserConfiguration(VideoBeans.class)
          .withPropertyValues("walt.video.max-image-size=1KB", "walt.video.thumbnail-max-side=32");

  @Test
  void beansUseTheConfiguredSettings() {
    context.run(
        ctx -> {
          assertThat(ctx).hasNotFailed();
          byte[] png = ImageDecoderTest.png(TestMedia.patternFrame(64, 64, 0, 1));
          assertThat(png.length).isGreaterThan(1024);
          assertThatThrownBy(() -> ctx.getBean(ImageDecoder.class).decode(png))
              .isInstanceOfSatisfying(
                  ImageRejectedException.class,
                  e -> assertThat(e.reason()).isEqualTo(ImageRejectedException.Reason.TOO_LARGE_BYTES));
          byte[] jpeg = ctx.getBean(VideoEncoder.class).thumbnailJpeg(TestMedia.movingPattern(64, 48, 3, 24));
          assertThat(ImageIO.read(new ByteArrayInputStream(jpeg)).getWidth()).isEqualTo(32);
          assertThat(ctx.getBean(VideoDecoder.class)).isNotNull();
        });
  }
}
