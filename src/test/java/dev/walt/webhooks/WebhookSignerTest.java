package dev.walt.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebhookSignerTest {

  /** The example of the Standard Webhooks specification and its reference libraries. */
  @Test
  void signsTheSpecificationExample() {
    String signature = WebhookSigner.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L, "{\"test\": 2432232314}");

    assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void everyPartOfTheSignedContentCounts() {
    String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    String base = WebhookSigner.sign(secret, "msg_1", 1, "{}");

    assertThat(WebhookSigner.sign(secret, "msg_2", 1, "{}")).isNotEqualTo(base);
    assertThat(WebhookSigner.sign(secret, "msg_1", 2, "{}")).isNotEqualTo(base);
    assertThat(WebhookSigner.sign(secret, "msg_1", 1, "{ }")).isNotEqualTo(base);
    assertThat(WebhookSigner.sign("whsec_AAAAAAAAAAAAAAAAAAAAAAAA", "msg_1", 1, "{}")).isNotEqualTo(base);
  }
}
