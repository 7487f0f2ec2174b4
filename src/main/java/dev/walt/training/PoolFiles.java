package dev.walt.training;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writing a pool file of a work folder whole or not at all: a run stopped while writing leaves no half pool. */
final class PoolFiles {

  /** What writes a pool's contents. */
  @FunctionalInterface
  interface Contents {
    void writeTo(DataOutputStream out) throws IOException;
  }

  private PoolFiles() {}

  /**
   * Writes {@code contents} to {@code file.partial} and moves it over {@code file}, creating the folder first (the
   * trainer has not made the work folder yet on a first start).
   */
  static void write(Path file, Contents contents) throws IOException {
    Files.createDirectories(file.getParent());
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    try (var out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(partial)))) {
      contents.writeTo(out);
    }
    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
