package dev.walt.api;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * The optional input image: decodes base64 and {@code data:} URLs, fetches https URLs under strict
 * limits (public addresses only, checked on the resolved addresses that are then used for the
 * connection; no redirects; size cap; total timeout), and inspects the bytes (PNG or JPEG, size in
 * pixels) without decoding the whole image.
 */
@Component
class InputImages {

  /** A checked image. */
  record Image(byte[] bytes, String contentType, int width, int height) {}

  private final ApiSettings.Image limits;
  private final OkHttpClient http;

  InputImages(ApiSettings settings) {
    this.limits = settings.image();
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

  long maxBytes() {
    return limits.maxSize().toBytes();
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
      if (!mediaType.equals("image/png") && !mediaType.equals("image/jpeg") && !mediaType.equals("image/jpg")) {
        throw problemUnsupported("the image must be PNG or JPEG, not " + (mediaType.isEmpty() ? "unspecified data" : mediaType));
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
   * Checks the format and dimensions from the image header.
   *
   * @throws org.springframework.web.ErrorResponseException 422 for an unsupported, corrupt or oversized image
   */
  Image inspect(byte[] bytes) {
    String contentType = sniff(bytes);
    if (contentType == null) {
      throw problemUnsupported("the image is not PNG or JPEG (or is corrupt)");
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (in == null || !readers.hasNext()) {
        throw problemUnsupported("the image is not PNG or JPEG (or is corrupt)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        if ((long) width * height > limits.maxPixels()) {
          throw invalidImage("the image has " + width + "x" + height + " pixels; at most " + limits.maxPixels() + " pixels are accepted");
        }
        if (width < limits.minSide() || height < limits.minSide()) {
          throw invalidImage("the image is " + width + "x" + height + "; each side must be at least " + limits.minSide() + " pixels");
        }
        return new Image(bytes, contentType, width, height);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof org.springframework.web.ErrorResponseException problem) {
        throw problem;
      }
      throw problemUnsupported("the image cannot be read (corrupt or not PNG/JPEG)");
    }
  }

  private static @Nullable String sniff(byte[] b) {
    if (b.length >= 8 && Arrays.equals(Arrays.copyOf(b, 8),
        new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a})) {
      return "image/png";
    }
    if (b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) {
      return "image/jpeg";
    }
    return null;
  }

  private org.springframework.web.ErrorResponseException imageTooLarge() {
    return Problems.problem(HttpStatus.CONTENT_TOO_LARGE, "request-too-large", "Request too large",
        "the image is larger than " + maxBytes() + " bytes");
  }

  private static org.springframework.web.ErrorResponseException problemUnsupported(String detail) {
    return Problems.problem(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-image", "Invalid image", detail);
  }

  private static org.springframework.web.ErrorResponseException invalidImage(String detail) {
    return Problems.problem(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-image", "Invalid image", detail);
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
