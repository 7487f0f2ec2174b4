package dev.walt.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which addresses and URLs the service may connect to on a client's behalf. */
class PublicAddressesTest {

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0", "10.1.2.3", "127.0.0.1", "127.255.0.9", "100.64.0.1", "169.254.169.254", "172.16.0.1",
      "172.31.255.255", "192.0.0.8", "192.0.2.1", "192.168.10.10", "198.18.0.1", "198.51.100.2", "203.0.113.9", "224.0.0.1",
      "240.0.0.1", "255.255.255.255", "::", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "2001:db8::1", "::ffff:127.0.0.1",
      "::ffff:10.0.0.1", "64:ff9b::a00:1", "2002:a00:1::1", "::127.0.0.1", "ff02::1"})
  void nonPublicAddressesAreRefused(String address) throws Exception {
    assertThat(PublicAddresses.isPublic(InetAddress.getByName(address))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.1.1.1", "8.8.8.8", "93.184.216.34", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111",
      "::ffff:8.8.8.8", "64:ff9b::808:808"})
  void publicAddressesAreAccepted(String address) throws Exception {
    assertThat(PublicAddresses.isPublic(InetAddress.getByName(address))).isTrue();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "http://example.com/a.png|must use https",
      "ftp://example.com/a.png|must use https",
      "https:///a.png|must name a host",
      "https://user:pw@example.com/a.png|must not contain credentials",
      "https://localhost/a|must point to a public host, not a local name",
      "https://api.localhost/a|must point to a public host, not a local name",
      "https://intranet/a|must point to a public host, not a local name",
      "https://metadata.google.internal/a|must point to a public host, not a local name",
      "https://127.0.0.1/a|must not point to a private, loopback or reserved address",
      "https://10.0.0.1:8443/a|must not point to a private, loopback or reserved address",
      "https://[::1]/a|must not point to a private, loopback or reserved address",
      "https://[fd00::1]/a|must not point to a private, loopback or reserved address",
      "/relative/a.png|must be an absolute https URL",
      "https://exa mple.com/|is not a valid URL"})
  void urlsAreRefusedWithAReason(String url, String reason) {
    assertThat(PublicAddresses.refuseUrl(url)).contains(reason);
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://example.com/a.png", "https://cdn.example.org:8443/x/y.jpg?sig=1", "https://8.8.8.8/a",
      "https://[2606:4700:4700::1111]/a"})
  void publicHttpsUrlsAreAccepted(String url) {
    assertThat(PublicAddresses.refuseUrl(url)).isEmpty();
  }
}
