import java.net.HttpURLConnection;
import java.net.URI;

/**
 * The image's {@code HEALTHCHECK}: exits 0 when the URL answers 200, 1 otherwise (refused, timeout, any
 * other status). The JRE base image has neither curl nor wget, so this is compiled in the builder stage
 * and run with the image's own {@code java}; it uses only {@code java.base}.
 *
 * <p>Usage: {@code java -cp /opt/walt/healthcheck HealthCheck [url]}; the default URL is the liveness
 * group on {@code SERVER_PORT} (8080): {@code http://127.0.0.1:8080/actuator/health/liveness}.
 */
public final class HealthCheck {

  private HealthCheck() {}

  public static void main(String[] args) {
    String port = System.getenv().getOrDefault("SERVER_PORT", "8080");
    String url = args.length > 0 ? args[0] : "http://127.0.0.1:" + port + "/actuator/health/liveness";
    System.exit(check(url) ? 0 : 1);
  }

  static boolean check(String url) {
    try {
      HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
      connection.setConnectTimeout(2000);
      connection.setReadTimeout(3000);
      connection.setInstanceFollowRedirects(false);
      int status = connection.getResponseCode();
      connection.disconnect();
      if (status != 200) {
        System.err.println("health check: " + url + " answered " + status);
      }
      return status == 200;
    } catch (Exception e) {
      System.err.println("health check: " + url + " failed: " + e);
      return false;
    }
  }
}
