package dev.walt.api;

import dev.walt.system.PublicInternet;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which addresses the service may connect to on a client's behalf (image URLs, webhooks): public
 * unicast only, never loopback, private (RFC 1918, unique-local), link-local, carrier-grade NAT,
 * documentation, benchmarking, multicast or reserved ranges.
 */
final class PublicAddresses {

  private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private PublicAddresses() {}

  static boolean isPublic(InetAddress address) {
    return PublicInternet.isPublic(address);
  }

  /**
   * Checks a URL that the service would connect to, without DNS: https, a host, no credentials, and
   * a host that is not a non-public IP literal or a local name. The resolved addresses must be
   * checked again at connection time.
   *
   * @return why the URL is refused, or empty when it is acceptable
   */
  static Optional<String> refuseUrl(String url) {
    if (url.length() > 2048) {
      return Optional.of("must be at most 2048 characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (Exception e) {
      return Optional.of("is not a valid URL");
    }
    if (uri.getScheme() == null || !uri.isAbsolute()) {
      return Optional.of("must be an absolute https URL");
    }
    if (!uri.getScheme().equalsIgnoreCase("https")) {
      return Optional.of("must use https");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      return Optional.of("must name a host");
    }
    if (uri.getRawUserInfo() != null) {
      return Optional.of("must not contain credentials");
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    if (h.equals("localhost") || h.endsWith(".localhost") || h.endsWith(".local") || h.endsWith(".internal")
        || !h.contains(".") && !h.startsWith("[")) {
      return Optional.of("must point to a public host, not a local name");
    }
    if (h.startsWith("[") || IPV4_LITERAL.matcher(h).matches()) {
      try {
        InetAddress literal = InetAddress.getByName(h.startsWith("[") ? h.substring(1, h.length() - 1) : h);
        if (!isPublic(literal)) {
          return Optional.of("must not point to a private, loopback or reserved address");
        }
      } catch (UnknownHostException e) {
        return Optional.of("is not a valid URL");
      }
    }
    return Optional.empty();
  }
}
