package dev.walt.webhooks;

import dev.walt.system.PublicInternet;
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

  /** True for addresses on the public internet (see {@link PublicInternet}). */
  static boolean isPublic(InetAddress address) {
    return PublicInternet.isPublic(address);
  }
}
