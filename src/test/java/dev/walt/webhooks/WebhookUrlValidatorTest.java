package dev.walt.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookUrlValidatorTest {

  /** Names resolve from this table, never from DNS; literal addresses resolve to themselves. */
  private static final Map<String, String[]> HOSTS = Map.of(
      "hooks.example.com", new String[] {"93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"},
      "rebound.example.com", new String[] {"93.184.216.34", "10.0.0.7"},
      "metadata.example.com", new String[] {"169.254.169.254"});

  private static InetAddress[] resolve(String host) throws UnknownHostException {
    String[] addresses = HOSTS.get(host);
    if (addresses == null) {
      if (host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
        return new InetAddress[] {InetAddress.getByName(host)};
      }
      throw new UnknownHostException(host);
    }
    InetAddress[] result = new InetAddress[addresses.length];
    for (int i = 0; i < addresses.length; i++) {
      result[i] = InetAddress.getByName(addresses[i]);
    }
    return result;
  }

  private static WebhookUrlValidator strict() {
    return new WebhookUrlValidator(WebhookSettings.defaults(), false, WebhookUrlValidatorTest::resolve);
  }

  @Test
  void acceptsAnHttpsUrlWhoseHostResolvesOnlyToPublicAddresses() {
    assertThat(strict().validate("https://hooks.example.com/walt?x=1").getHost()).isEqualTo("hooks.example.com");
    assertThat(strict().validate("https://93.184.216.34:8443/hook")).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "https://127.0.0.1/hook", "https://127.8.9.10/", "https://10.1.2.3/", "https://172.16.0.1/",
      "https://172.31.255.255/", "https://192.168.1.1/", "https://169.254.169.254/latest/meta-data",
      "https://100.64.0.1/", "https://0.0.0.0/", "https://224.0.0.1/", "https://255.255.255.255/",
      "https://192.0.2.1/", "https://198.18.0.1/", "https://[::1]/", "https://[::]/", "https://[fc00::1]/",
      "https://[fd12:3456::1]/", "https://[fe80::1]/", "https://[ff02::1]/", "https://[::ffff:127.0.0.1]/",
      "https://[::ffff:10.0.0.1]/", "https://[64:ff9b::a9fe:a9fe]/", "https://[2002:7f00:1::]/",
      "https://[2001:db8::1]/", "https://metadata.example.com/", "https://rebound.example.com/"})
  void refusesHostsWithANonPublicAddress(String url) {
    assertThatThrownBy(() -> strict().validate(url))
        .isInstanceOf(InvalidWebhookUrlException.class)
        .hasMessageContaining("non-public address");
  }

  @Test
  void refusesWhatIsNotAPlainHttpsUrl() {
    assertThatThrownBy(() -> strict().validate("http://hooks.example.com/"))
        .hasMessage("the webhook URL must use https");
    assertThatThrownBy(() -> strict().validate("ftp://hooks.example.com/")).hasMessage("the webhook URL must use https");
    assertThatThrownBy(() -> strict().validate("hooks.example.com/hook")).hasMessage("the webhook URL must use https");
    assertThatThrownBy(() -> strict().validate("https://user:pw@hooks.example.com/"))
        .hasMessage("the webhook URL must not contain user credentials");
    assertThatThrownBy(() -> strict().validate("https://hooks.example.com/#x"))
        .hasMessage("the webhook URL must not contain a fragment");
    assertThatThrownBy(() -> strict().validate("https:///path")).hasMessage("the webhook URL must name a host");
    assertThatThrownBy(() -> strict().validate("https://exa mple.com/")).hasMessage("the webhook URL is not a valid URL");
    assertThatThrownBy(() -> strict().validate("https://nowhere.invalid/"))
        .hasMessage("the webhook host nowhere.invalid cannot be resolved");
    assertThatThrownBy(() -> strict().validate("https://hooks.example.com/" + "a".repeat(2048)))
        .hasMessage("the webhook URL must be 1 to 2048 characters");
    assertThatThrownBy(() -> strict().validate(" ")).isInstanceOf(InvalidWebhookUrlException.class);
  }

  @Test
  void settingsAndTheEmbeddedDefaultOpenHttpAndLoopback() {
    WebhookUrlValidator embedded =
        new WebhookUrlValidator(WebhookSettings.defaults(), true, WebhookUrlValidatorTest::resolve);
    assertThat(embedded.validate("http://127.0.0.1:8080/hook").getPort()).isEqualTo(8080);

    WebhookSettings d = WebhookSettings.defaults();
    WebhookSettings explicitOff = new WebhookSettings(d.enabled(), false, false, d.connectTimeout(), d.readTimeout(),
        d.retryFor(), d.initialBackoff(), d.maxBackoff(), d.dispatchInterval(), d.batchSize(), d.lockDuration());
    WebhookUrlValidator embeddedButStrict =
        new WebhookUrlValidator(explicitOff, true, WebhookUrlValidatorTest::resolve);
    assertThatThrownBy(() -> embeddedButStrict.validate("http://127.0.0.1:8080/hook"))
        .isInstanceOf(InvalidWebhookUrlException.class);

    WebhookSettings httpOnly = new WebhookSettings(d.enabled(), true, false, d.connectTimeout(), d.readTimeout(),
        d.retryFor(), d.initialBackoff(), d.maxBackoff(), d.dispatchInterval(), d.batchSize(), d.lockDuration());
    WebhookUrlValidator productionWithHttp = new WebhookUrlValidator(httpOnly, false, WebhookUrlValidatorTest::resolve);
    assertThat(productionWithHttp.validate("http://hooks.example.com/")).isNotNull();
    assertThatThrownBy(() -> productionWithHttp.validate("http://127.0.0.1/"))
        .hasMessageContaining("non-public address");
  }
}
