package dev.walt.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.util.FileSystemUtils;

/** The embedded default for a test class: nothing configured, data under a fresh temporary folder. */
public final class EmbeddedDefault {

  private EmbeddedDefault() {}

  /**
   * A new data folder, removed when the test JVM ends (the test's context, and with it the embedded
   * PostgreSQL, is closed after its class).
   */
  public static Path dataDir(String prefix) {
    try {
      Path dir = Files.createTempDirectory(prefix);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> FileSystemUtils.deleteRecursively(dir.toFile())));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** No database and no S3 endpoint (blank = not configured, whatever the environment says). */
  public static void register(DynamicPropertyRegistry registry, Path dataDir) {
    registry.add("walt.data-dir", dataDir::toString);
    registry.add("walt.db.url", () -> "");
    registry.add("walt.s3.endpoint", () -> "");
  }
}
