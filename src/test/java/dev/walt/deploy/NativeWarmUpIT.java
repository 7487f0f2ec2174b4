package dev.walt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.FileSystemUtils;

/**
 * The Dockerfile's native bake, replayed outside Docker with this build's class path: the {@code
 * warm-up} command extracts PyTorch (DJL) and FFmpeg (JavaCPP) into caches, the FFmpeg libraries are
 * flattened into one folder ({@code find ... -exec cp -a}), and a second JVM with the image's {@code
 * docker/jvm.args} loads everything from there without writing a single file: what lets the image run
 * with a read-only root filesystem and download nothing at start.
 */
class NativeWarmUpIT {

  @TempDir Path root;

  @Test
  void nativesBakedOnceLoadWithoutExtractingAgain() throws Exception {
    Path djl = root.resolve("djl");
    Path javacpp = root.resolve("javacpp");
    Path lib = Files.createDirectories(root.resolve("natives/lib"));
    Path tmp = Files.createDirectories(root.resolve("tmp"));
    try {
      // RUN java -Dai.djl.offline=true -Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp ... warm-up
      Result bake = java(Map.of("DJL_CACHE_DIR", djl.toString()),
          "-Dai.djl.offline=true", "-Dorg.bytedeco.javacpp.cachedir=" + javacpp);
      assertThat(bake.status()).as(bake.output()).isZero();
      assertThat(bake.output()).contains("FFmpeg encoder libx264 found", "walt warm-up: done");

      // find /tmp/javacpp -name 'lib*.so*' -exec cp -a -t /opt/walt/natives/lib {} +
      try (Stream<Path> files = Files.walk(javacpp)) {
        for (Path file : files.filter(f -> f.getFileName().toString().matches("lib.*\\.so.*")).toList()) {
          Files.copy(file, lib.resolve(file.getFileName()), LinkOption.NOFOLLOW_LINKS,
              StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
      assertThat(lib.resolve("libjniavcodec.so")).exists();
      FileSystemUtils.deleteRecursively(javacpp);
      List<String> djlBefore = listing(djl);

      // USER 10001, RUN java @/opt/walt/jvm.args ... warm-up
      List<String> jvmArgs = new ArrayList<>();
      for (String line : Files.readAllLines(Path.of("docker", "jvm.args"))) {
        if (!line.isBlank() && !line.startsWith("#")) {
          jvmArgs.add(line.equals("-Djava.io.tmpdir=/tmp")
              ? "-Djava.io.tmpdir=" + tmp
              : line.replace("/opt/walt/natives/lib", lib.toString()));
        }
      }
      Result run = java(Map.of("DJL_CACHE_DIR", djl.toString()), jvmArgs.toArray(String[]::new));
      assertThat(run.status()).as(run.output()).isZero();
      assertThat(run.output()).contains("java.library.path " + lib).doesNotContain("Extracting");
      assertThat(listing(djl)).isEqualTo(djlBefore);
      assertThat(listing(tmp)).as("files written to java.io.tmpdir").isEmpty();
    } finally {
      FileSystemUtils.deleteRecursively(root);
    }
  }

  record Result(int status, String output) {}

  /** Runs {@code warm-up} in a new JVM on this test's class path. */
  private static Result java(Map<String, String> env, String... jvmArgs) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(List.of(jvmArgs));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.walt.WaltApplication", "warm-up"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
    return new Result(process.exitValue(), output);
  }

  /** Every file below {@code dir} with its size and modification time. */
  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      List<String> listing = new ArrayList<>();
      for (Path f : files.filter(f -> !f.equals(dir)).sorted().toList()) {
        listing.add(dir.relativize(f) + " " + Files.size(f) + " " + Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS));
      }
      return listing;
    }
  }
}
