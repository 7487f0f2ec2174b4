package dev.walt.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walt.testing.TestServices;
import dev.walt.testing.WaltIntegrationTest;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With {@code walt.s3.public-endpoint} set, presigned URLs are on the public address and signed for it.
 * The test's public address is another name of the same server (127.0.0.1 versus localhost), so a URL
 * signed for it can be fetched, and the same URL moved to the internal address must be refused.
 */
@WaltIntegrationTest(properties = {"walt.s3.presign-expiry=5m", "walt.worker.enabled=false"})
class PublicEndpointIT {

  @DynamicPropertySource
  static void publicEndpoint(DynamicPropertyRegistry registry) {
    registry.add("walt.s3.public-endpoint", () -> otherName(TestServices.s3().endpoint()).toString());
  }

  @Autowired ObjectStorage storage;

  /** The same server under another host name: localhost for 127.0.0.1, else the host's IP address. */
  static URI otherName(URI endpoint) {
    String host = endpoint.getHost();
    String other;
    if ("127.0.0.1".equals(host)) {
      other = "localhost";
    } else if ("localhost".equals(host)) {
      other = "127.0.0.1";
    } else {
      try {
        other = InetAddress.getByName(host).getHostAddress();
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
      if (other.contains(":")) {
        other = "[" + other + "]";
      }
    }
    return URI.create(endpoint.getScheme() + "://" + other + ":" + endpoint.getPort());
  }

  @Test
  void urlIsOnThePublicHostAndSignedForIt() throws Exception {
    URI internal = TestServices.s3().endpoint();
    URI expectedPublic = otherName(internal);
    byte[] data = new byte[4096];
    new Random(11).nextBytes(data);
    storage.put("public/clip.mp4", data, "video/mp4");

    URI url = storage.presignedGet("public/clip.mp4");
    assertThat(url.getRawQuery()).contains("X-Amz-Expires=300"); // the test's own property wins
    assertThat(url.getHost()).isEqualTo(expectedPublic.getHost()).isNotEqualTo(internal.getHost());
    assertThat(url.getPort()).isEqualTo(expectedPublic.getPort());
    assertThat(url.getPath()).isEqualTo("/" + storage.bucket() + "/public/clip.mp4");

    var response = ObjectStorageIT.fetch(url);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(data);

    // the signature covers the Host header: the same URL on the internal address is refused
    URI moved = URI.create(url.toString().replace("//" + url.getRawAuthority() + "/", "//" + internal.getRawAuthority() + "/"));
    assertThat(moved.getHost()).isEqualTo(internal.getHost());
    assertThat(ObjectStorageIT.fetch(moved).statusCode()).isEqualTo(403);
  }
}
