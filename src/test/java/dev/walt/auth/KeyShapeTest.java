package dev.walt.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The shape check every request's key passes before it is hashed: {@code walt_sk_} and 43 base64url characters. */
class KeyShapeTest {

  private static final String BODY = "Yh8c8qU392AmcVNEmdnFPpiUlZxNIbo6jf4g-Ssid50";

  @Test
  void acceptsTheShapeOfIssuedKeys() {
    assertThat(BODY).hasSize(43);
    assertThat(ApiKeys.wellFormed("walt_sk_" + BODY)).isTrue();
    assertThat(ApiKeys.wellFormed("walt_sk_" + "A".repeat(21) + "z_-09" + "a".repeat(17))).isTrue();
    for (int i = 0; i < 1000; i++) {
      assertThat(ApiKeys.wellFormed(ApiKeys.KEY_PREFIX + ApiKeys.randomBase64Url(32))).isTrue();
    }
  }

  @Test
  void refusesEverythingElse() {
    assertThat(ApiKeys.wellFormed("")).isFalse();
    assertThat(ApiKeys.wellFormed("walt_sk_")).isFalse();
    assertThat(ApiKeys.wellFormed("walt_sk_" + BODY.substring(1))).as("one short").isFalse();
    assertThat(ApiKeys.wellFormed("walt_sk_" + BODY + "A")).as("one long").isFalse();
    assertThat(ApiKeys.wellFormed("walt_pk_" + BODY)).as("another prefix").isFalse();
    assertThat(ApiKeys.wellFormed("WALT_SK_" + BODY)).as("the prefix is case-sensitive").isFalse();
    for (char c : new char[] {'=', '+', '/', ' ', '.', '\n', '\0', 'é', 'Ａ', '٣', '\u200b'}) {
      String key = "walt_sk_" + BODY.substring(0, 20) + c + BODY.substring(21);
      assertThat(ApiKeys.wellFormed(key)).as("with %s", (int) c).isFalse();
    }
    // a surrogate pair counts as two chars: still not base64url
    assertThat(ApiKeys.wellFormed("walt_sk_" + BODY.substring(0, 41) + "😀")).isFalse();
  }
}
