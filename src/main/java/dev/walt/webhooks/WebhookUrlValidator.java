package dev.walt.webhooks;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Decides whether walt may call a webhook URL: {@code https} (or {@code http} when
 * {@code walt.webhooks.allow-http}), an absolute URL with a host and no user info, and a host whose
 * every address is public (unless {@code walt.webhooks.allow-private-addresses}). The API checks the
 * URL when a job is created; the dispatcher checks it again before every attempt, because what a name
 * resolves to can change in between (DNS rebinding).
 */
@Component
public class WebhookUrlValidator {

  /** Longest accepted URL. */
  public static final int MAX_LENGTH = 2048;

  private final boolean allowHttp;
  private final boolean allowPrivateAddresses;
  private final Resolver resolver;

  /** Resolves a host name to all its addresses (replaceable in tests). */
  interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  /**
   * The validator of this instance: unset {@code allow-*} settings follow the mode, permissive in the
   * embedded default (no {@code walt.db.url}), strict with an external database (production).
   */
  @Autowired
  public WebhookUrlValidator(WebhookSettings settings, Environment environment) {
    this(settings, !StringUtils.hasText(environment.getProperty("walt.db.url")), InetAddress::getAllByName);
  }

  WebhookUrlValidator(WebhookSettings settings, boolean embedded, Resolver resolver) {
    this.allowHttp = settings.allowHttp() != null ? settings.allowHttp() : embedded;
    this.allowPrivateAddresses =
        settings.allowPrivateAddresses() != null ? settings.allowPrivateAddresses() : embedded;
    this.resolver = resolver;
  }

  /**
   * Checks the URL and resolves its host.
   *
   * @return the parsed URI
   * @throws InvalidWebhookUrlException when the URL may not be called, with the reason
   */
  public URI validate(String url) {
    if (url.isBlank() || url.length() > MAX_LENGTH) {
      throw new InvalidWebhookUrlException("the webhook URL must be 1 to " + MAX_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new InvalidWebhookUrlException("the webhook URL is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !(scheme.equals("http") && allowHttp)) {
      throw new InvalidWebhookUrlException(
          allowHttp ? "the webhook URL must use https or http" : "the webhook URL must use https");
    }
    if (uri.isOpaque() || uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new InvalidWebhookUrlException("the webhook URL must name a host");
    }
    if (uri.getRawUserInfo() != null) {
      throw new InvalidWebhookUrlException("the webhook URL must not contain user credentials");
    }
    if (uri.getRawFragment() != null) {
      throw new InvalidWebhookUrlException("the webhook URL must not contain a fragment");
    }
    if (!allowPrivateAddresses) {
      String host = uri.getHost();
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      InetAddress[] addresses;
      try {
        addresses = resolver.resolve(host);
      } catch (UnknownHostException e) {
        throw new InvalidWebhookUrlException("the webhook host " + uri.getHost() + " cannot be resolved");
      }
      if (addresses.length == 0) {
        throw new InvalidWebhookUrlException("the webhook host " + uri.getHost() + " cannot be resolved");
      }
      for (InetAddress address : addresses) {
        if (!isPublic(address)) {
          throw new InvalidWebhookUrlException(
              "the webhook host " + uri.getHost() + " resolves to a non-public address");
        }
      }
    }
    return uri;
  }

  /**
   * True for addresses on the public internet: not loopback, unspecified, private (RFC 1918), shared
   * (RFC 6598), link-local, unique-local (fc00::/7), multicast, documentation, benchmarking or
   * reserved ranges, in IPv4 or IPv6 (including IPv4-mapped and NAT64-embedded forms).
   */
  static boolean isPublic(InetAddress address) {
    if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
        || address.isSiteLocalAddress() || address.isMulticastAddress()) {
      return false;
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      return isPublicV4(b);
    }
    if (address instanceof Inet6Address) {
      int first = b[0] & 0xff;
      if ((first & 0xfe) == 0xfc) {
        return false; // fc00::/7 unique local
      }
      if (first == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
        return false; // 2001:db8::/32 documentation
      }
      boolean zeroPrefix = true;
      for (int i = 0; i < 10; i++) {
        zeroPrefix &= b[i] == 0;
      }
      if (zeroPrefix && (((b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) || (b[10] == 0 && b[11] == 0))) {
        // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible): judge the IPv4 address
        return isPublicV4(new byte[] {b[12], b[13], b[14], b[15]});
      }
      if ((b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
        return isPublicV4(new byte[] {b[12], b[13], b[14], b[15]}); // 64:ff9b::/96 NAT64
      }
      if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
        return isPublicV4(new byte[] {b[2], b[3], b[4], b[5]}); // 2002::/16 6to4
      }
      return true;
    }
    return false;
  }

  private static boolean isPublicV4(byte[] b) {
    int a0 = b[0] & 0xff;
    int a1 = b[1] & 0xff;
    int a2 = b[2] & 0xff;
    return !(a0 == 0 // 0.0.0.0/8 "this network"
        || a0 == 10 // private
        || a0 == 127 // loopback
        || (a0 == 100 && a1 >= 64 && a1 <= 127) // 100.64.0.0/10 shared (carrier-grade NAT)
        || (a0 == 169 && a1 == 254) // link-local (cloud metadata endpoints live here)
        || (a0 == 172 && a1 >= 16 && a1 <= 31) // private
        || (a0 == 192 && a1 == 0 && a2 == 0) // IETF protocol assignments
        || (a0 == 192 && a1 == 0 && a2 == 2) // documentation
        || (a0 == 192 && a1 == 168) // private
        || (a0 == 198 && (a1 == 18 || a1 == 19)) // benchmarking
        || (a0 == 198 && a1 == 51 && a2 == 100) // documentation
        || (a0 == 203 && a1 == 0 && a2 == 113) // documentation
        || a0 >= 224); // multicast, reserved, broadcast
  }
}
