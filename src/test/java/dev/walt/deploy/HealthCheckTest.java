package dev.walt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's {@code HEALTHCHECK} program ({@code docker/HealthCheck.java}), compiled as the Dockerfile
 * compiles it ({@code javac --release 17}) and run as a separate JVM, as Docker runs it: exit 0 only
 * for a 200 answer.
 */
class HealthCheckTest {

  @TempDir static Path classes;
  static HttpServer server;

  @BeforeAll
  static void compileAndServe() throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int status = javac.run(null, null, null,
        "--release", "17", "-d", classes.toString(), Path.of("docker", "HealthCheck.java").toString());
    assertThat(status).isZero();
    assertThat(classes.resolve("HealthCheck.class")).exists();

    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/actuator/health/liveness", exchange -> {
      byte[] body = "{\"status\":\"UP\"}".getBytes();
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.createContext("/down", exchange -> {
      exchange.sendResponseHeaders(503, -1);
      exchange.close();
    });
    server.createContext("/moved", exchange -> {
      exchange.getResponseHeaders().add("Location", "/actuator/health/liveness");
      exchange.sendResponseHeaders(302, -1);
      exchange.close();
    });
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  @Test
  void upIsHealthy() throws Exception {
    assertThat(run(url("/actuator/health/liveness"))).isZero();
  }

  @Test
  void theDefaultUrlIsTheLivenessGroupOnServerPort() throws Exception {
    assertThat(run(null)).isZero();
  }

  @Test
  void anythingButA200IsUnhealthy() throws Exception {
    assertThat(run(url("/down"))).isEqualTo(1);
    assertThat(run(url("/moved"))).isEqualTo(1);
    assertThat(run(url("/nothing-here"))).isEqualTo(1);
  }

  @Test
  void aRefusedConnectionIsUnhealthy() throws Exception {
    assertThat(run("http://127.0.0.1:1/actuator/health/liveness")).isEqualTo(1);
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** Runs the health check like the Dockerfile's HEALTHCHECK line; returns its exit status. */
  private static int run(@Nullable String url) throws Exception {
    String javaBin = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(
        List.of(javaBin, "-Xmx16m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classes.toString(), "HealthCheck"));
    if (url != null) {
      command.add(url);
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("SERVER_PORT", String.valueOf(server.getAddress().getPort()));
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    Process process = builder.start();
    process.getInputStream().transferTo(OutputStream.nullOutputStream());
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return process.exitValue();
  }
}
