package dev.walt.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walt.video.ImageDecoder;
import dev.walt.video.VideoSettings;
import java.net.URI;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.web.ErrorResponseException;

/** Decoding, fetching and checking input images, without services. */
class InputImagesTest {

  final Binder binder = new Binder(new MapConfigurationPropertySource(Map.of(
      "walt.video.max-image-size", "1MB", "walt.api.image.fetch-timeout", "2s")));
  final VideoSettings video = binder.bindOrCreate("walt.video", VideoSettings.class);
  final InputImages images = new InputImages(binder.bindOrCreate("walt.api", ApiSettings.class), video, new ImageDecoder(video));

  static ErrorResponseException problem(Runnable r) {
    try {
      r.run();
    } catch (ErrorResponseException e) {
      return e;
    }
    throw new AssertionError("no problem thrown");
  }

  static String slug(ErrorResponseException e) {
    return e.getBody().getType().toString().replace(Problems.TYPE_BASE, "");
  }

  @Test
  void plainDataUrlAndUrlSafeBase64DecodeToTheSameBytes() {
    byte[] png = TestImages.png(40, 30);
    assertThat(images.decodeBase64(Base64.getEncoder().encodeToString(png))).isEqualTo(png);
    assertThat(images.decodeBase64("data:image/png;base64," + Base64.getEncoder().encodeToString(png))).isEqualTo(png);
    assertThat(images.decodeBase64(Base64.getUrlEncoder().withoutPadding().encodeToString(png))).isEqualTo(png);
    assertThat(images.decodeBase64(Base64.getMimeEncoder().encodeToString(png))).isEqualTo(png);
    InputImages.Image image = images.inspect(png);
    assertThat(image.contentType()).isEqualTo("image/png");
    assertThat(image.width()).isEqualTo(40);
    assertThat(image.height()).isEqualTo(30);
  }

  @Test
  void badDataIsAClientError() {
    assertThat(problem(() -> images.decodeBase64("no!")).getStatusCode().value()).isEqualTo(400);
    assertThat(problem(() -> images.decodeBase64("data:image/png,abc")).getStatusCode().value()).isEqualTo(400);
    ErrorResponseException text = problem(() -> images.decodeBase64("data:text/plain;base64,aGVsbG8="));
    assertThat(text.getStatusCode().value()).isEqualTo(415);
    assertThat(slug(text)).isEqualTo("image-unsupported-format");
    ErrorResponseException large = problem(() -> images.decodeBase64("A".repeat(2_000_000)));
    assertThat(large.getStatusCode().value()).isEqualTo(413);
    assertThat(slug(large)).isEqualTo("image-too-large");
    ErrorResponseException jpegNamedPng = problem(() -> images.inspect("hello, not an image".getBytes()));
    assertThat(slug(jpegNamedPng)).isEqualTo("image-unsupported-format");
    assertThat(slug(problem(() -> images.inspect(TestImages.png(8, 8))))).isEqualTo("image-too-small");
  }

  @Test
  void aHostResolvingToAPrivateAddressIsRefusedAtConnectionTime() {
    // refuseUrl() lets no "localhost" through, but a public-looking name may resolve anywhere: the
    // resolver used for the connection refuses it whatever the name
    ErrorResponseException e = problem(() -> images.fetch(URI.create("https://localhost:9/a.png")));
    assertThat(e.getStatusCode().value()).isEqualTo(400);
    assertThat(e.getBody().getProperties()).containsKey("errors");
    assertThatThrownBy(() -> new InputImages.PublicDns().lookup("localhost"))
        .isInstanceOf(InputImages.NonPublicAddressException.class);
  }
}
