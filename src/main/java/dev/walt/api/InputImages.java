package dev.walt.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import dev.walt.video.ImageDecoder;
import dev.walt.video.ImageHeader;
import dev.walt.video.ImageRejectedException;
import dev.walt.video.VideoSettings;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * The optional input image: decodes base64 and {@code data:} URLs, fetches https URLs under strict
 * limits (public addresses only, checked on the resolved addresses that are then used for the
 * connection; no redirects; size cap; total timeout), and inspects the bytes with the
 * {@link ImageDecoder} (PNG, JPEG or WebP; size in pixels) without decoding pixels.
 */
@Component
class InputImages {

  /** A checked image. */
  record Image(byte[] bytes, String contentType, int width, int height) {}

  private final ApiSettings.Image limits;
  private final ImageDecoder decoder;
  private final long maxBytes;
  private final OkHttpClient http;

  InputImages(ApiSettings settings, VideoSettings video, ImageDecoder decoder) {
    this.limits = settings.image();
    this.decoder = decoder;
    this.maxBytes = video.maxImageSize().toBytes();
    Duration timeout = limits.fetchTimeout();
    this.http = new OkHttpClient.Builder()
        .dns(new PublicDns())
        .proxy(Proxy.NO_PROXY)
        .followRedirects(false)
        .followSslRedirects(false)
        .retryOnConnectionFailure(false)
        .callTimeout(timeout)
        .connectTimeout(timeout)
        .readTimeout(timeout)
        .build();
  }

  /** The largest image in bytes ({@code walt.video.max-image-size}). */
  long maxBytes() {
    return maxBytes;
  }

  /**
   * Decodes {@code image} given as plain base64 or a {@code data:} URL.
   *
   * @throws org.springframework.web.ErrorResponseException 400 for invalid data, 413 when too large
   */
  byte[] decodeBase64(String image) {
    String data = image;
    if (image.regionMatches(true, 0, "data:", 0, 5)) {
      int comma = image.indexOf(',');
      if (comma < 0) {
        throw Problems.invalid("image", "is not a valid data: URL (expected data:image/png;base64,...)");
      }
      String meta = image.substring(5, comma).toLowerCase(Locale.ROOT);
      if (!meta.endsWith(";base64")) {
        throw Problems.invalid("image", "a data: URL must be base64-encoded (data:image/png;base64,...)");
      }
      String mediaType = meta.substring(0, meta.length() - ";base64".length());
      if (!mediaType.equals("image/png") && !mediaType.equals("image/jpeg") && !mediaType.equals("image/jpg")
          && !mediaType.equals("image/webp")) {
        throw problemUnsupported("the image must be PNG, JPEG or WebP, not " + (mediaType.isEmpty() ? "unspecified data" : mediaType));
      }
      data = image.substring(comma + 1);
    }
    if (data.length() / 4 * 3 > maxBytes() + 3) {
      throw imageTooLarge();
    }
    byte[] bytes;
    try {
      bytes = Base64.getMimeDecoder().decode(strictBase64(data));
    } catch (IllegalArgumentException e) {
      throw Problems.invalid("image", "is neither an https URL nor valid base64 image data");
    }
    if (bytes.length == 0) {
      throw Problems.invalid("image", "is empty");
    }
    if (bytes.length > maxBytes()) {
      throw imageTooLarge();
    }
    return bytes;
  }

  /** Accepts standard or URL-safe base64 with optional padding and line breaks; anything else is an error. */
  private static String strictBase64(String data) {
    String compact = data.replaceAll("[\\r\\n ]", "").replace('-', '+').replace('_', '/');
    if (!compact.matches("[A-Za-z0-9+/]*={0,2}") || compact.isEmpty()) {
      throw new IllegalArgumentException("not base64");
    }
    int rest = compact.replace("=", "").length() % 4;
    if (rest == 1) {
      throw new IllegalArgumentException("not base64");
    }
    return compact;
  }

  /**
   * Fetches an https image URL (already checked by {@link PublicAddresses#refuseUrl}).
   *
   * @throws org.springframework.web.ErrorResponseException 400 when it resolves to a non-public address,
   *     413 when too large, 422 when it cannot be fetched
   */
  byte[] fetch(URI url) {
    Request request = new Request.Builder().url(url.toString()).header("Accept", "image/png, image/jpeg").get().build();
    try (Response response = http.newCall(request).execute()) {
      if (response.isRedirect()) {
        throw fetchFailed("the image URL redirects (HTTP " + response.code() + "); redirects are not followed, give the final URL");
      }
      if (response.code() != 200) {
        throw fetchFailed("fetching the image URL returned HTTP " + response.code());
      }
      ResponseBody body = response.body();
      if (body.contentLength() > maxBytes()) {
        throw imageTooLarge();
      }
      try (InputStream in = body.byteStream()) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[16384];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
          total += n;
          if (total > maxBytes()) {
            throw imageTooLarge();
          }
          out.write(buffer, 0, n);
        }
        if (total == 0) {
          throw fetchFailed("the image URL returned an empty body");
        }
        return out.toByteArray();
      }
    } catch (NonPublicAddressException e) {
      throw Problems.invalid("image", "must not point to a private, loopback or reserved address");
    } catch (UnknownHostException e) {
      throw fetchFailed("the host of the image URL cannot be resolved");
    } catch (InterruptedIOException e) {
      throw fetchFailed("fetching the image URL timed out after " + limits.fetchTimeout().toMillis() + " ms");
    } catch (IOException e) {
      throw fetchFailed("the image URL cannot be fetched");
    }
  }

  /**
   * Checks the format (PNG, JPEG or WebP, recognised from the bytes), the header and the size in pixels
   * with the {@link ImageDecoder}, without decoding pixels (the worker decodes them).
   *
   * @throws org.springframework.web.ErrorResponseException 400 empty, 413 too many bytes, 415
   *     unsupported format, 422 corrupt header, too many pixels or too small
   */
  Image inspect(byte[] bytes) {
    ImageHeader header;
    try {
      header = decoder.inspect(bytes);
    } catch (ImageRejectedException e) {
      HttpStatus status = switch (e.reason()) {
        case EMPTY -> HttpStatus.BAD_REQUEST;
        case TOO_LARGE_BYTES -> HttpStatus.CONTENT_TOO_LARGE;
        case UNSUPPORTED_FORMAT -> HttpStatus.UNSUPPORTED_MEDIA_TYPE;
        case TOO_MANY_PIXELS, CORRUPT -> HttpStatus.UNPROCESSABLE_CONTENT;
      };
      throw Problems.problem(status, e.reason().slug(), title(e.reason()), e.getMessage());
    }
    if (header.width() < limits.minSide() || header.height() < limits.minSide()) {
      throw Problems.problem(HttpStatus.UNPROCESSABLE_CONTENT, "image-too-small", "Image too small",
          "the image is " + header.width() + "x" + header.height() + "; each side must be at least " + limits.minSide() + " pixels");
    }
    return new Image(bytes, header.format().contentType(), header.width(), header.height());
  }

  private static String title(ImageRejectedException.Reason reason) {
    return switch (reason) {
      case EMPTY -> "Empty image";
      case TOO_LARGE_BYTES -> "Image too large";
      case TOO_MANY_PIXELS -> "Image has too many pixels";
      case UNSUPPORTED_FORMAT -> "Unsupported image format";
      case CORRUPT -> "Corrupt image";
    };
  }

  private org.springframework.web.ErrorResponseException imageTooLarge() {
    return Problems.problem(HttpStatus.CONTENT_TOO_LARGE, "image-too-large", "Image too large",
        "the image is larger than " + maxBytes() + " bytes");
  }

  private static org.springframework.web.ErrorResponseException problemUnsupported(String detail) {
    return Problems.problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "image-unsupported-format", "Unsupported image format", detail);
  }

  private static org.springframework.web.ErrorResponseException fetchFailed(String detail) {
    return Problems.problem(HttpStatus.UNPROCESSABLE_CONTENT, "image-fetch-failed", "Image cannot be fetched", detail);
  }

  /** Thrown by the resolver when a host resolves to any non-public address. */
  static final class NonPublicAddressException extends UnknownHostException {
    NonPublicAddressException(String host) {
      super(host + " resolves to a non-public address");
    }
  }

  /** Resolves, then refuses the host if any of its addresses is not public (the connection uses exactly these). */
  static final class PublicDns implements Dns {
    @Override
    public List<InetAddress> lookup(String hostname) throws UnknownHostException {
      List<InetAddress> addresses = Dns.SYSTEM.lookup(hostname);
      for (InetAddress address : addresses) {
        if (!PublicAddresses.isPublic(address)) {
          throw new NonPublicAddressException(hostname);
        }
      }
      return addresses;
    }
  }
}
