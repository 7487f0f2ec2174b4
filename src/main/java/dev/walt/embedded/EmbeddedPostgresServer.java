package dev.walt.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run from the zonky binaries on the loopback interface, with its data directory
 * kept across restarts. The first start runs {@code initdb} and creates the {@code walt} database.
 */
final class EmbeddedPostgresServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  static final String DATABASE = "walt";
  static final String USER = "postgres";

  private final EmbeddedPostgres postgres;
  private final Path dataDirectory;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDirectory) {
    this.postgres = postgres;
    this.dataDirectory = dataDirectory;
  }

  /** Starts PostgreSQL on {@code dataDirectory} (created and initialised when empty); port 0 = free port. */
  static EmbeddedPostgresServer start(Path dataDirectory, int port) {
    Path dir = dataDirectory.toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir.getParent());
      stopOrphanedPostmaster(dir);
      long started = System.nanoTime();
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setDataDirectory(dir)
              .setCleanDataDirectory(false)
              .setServerConfig("listen_addresses", "127.0.0.1")
              // zonky's defaults favour throw-away test databases (-F, synchronous_commit=off); this
              // one keeps jobs across restarts, so it must be durable.
              .setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", "on")
              .setServerConfig("max_connections", "100")
              // Stopped by the Spring context (after the DataSource and the workers), not by zonky's
              // own JVM shutdown hook, which would race a graceful shutdown.
              .setRegisterShutdownHook(false)
              .setPGStartupWait(Duration.ofSeconds(60));
      if (port > 0) {
        builder.setPort(port);
      }
      EmbeddedPostgres pg = builder.start();
      EmbeddedPostgresServer server = new EmbeddedPostgresServer(pg, dir);
      try {
        server.ensureDatabase();
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
      log.info(
          "embedded PostgreSQL started on 127.0.0.1:{} with data in {} ({} ms)",
          pg.getPort(), dir, (System.nanoTime() - started) / 1_000_000);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded PostgreSQL with data in " + dir, e);
    }
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + DATABASE;
  }

  int port() {
    return postgres.getPort();
  }

  Path dataDirectory() {
    return dataDirectory;
  }

  private void ensureDatabase() {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, DATABASE);
      try (ResultSet rs = exists.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
      try (Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + DATABASE);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + DATABASE + " in embedded PostgreSQL", e);
    }
  }

  /**
   * After the JVM was killed (SIGKILL), its postmaster keeps running on the data directory and a new
   * start would fail on {@code postmaster.pid}. Stops such a postmaster when it is ours (its command
   * line names this data directory). A stale pid file of a dead process is left to PostgreSQL, which
   * removes it itself.
   */
  static void stopOrphanedPostmaster(Path dataDirectory) throws IOException {
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    if (lines.isEmpty()) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).trim());
    } catch (NumberFormatException e) {
      return;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty() || !process.get().isAlive()) {
      return;
    }
    if (!isPostmasterOf(process.get(), dataDirectory)) {
      return;
    }
    log.warn("stopping PostgreSQL (pid {}) left running on {} by a previous run", pid, dataDirectory);
    // SIGINT is PostgreSQL's "fast shutdown" (rolls back open transactions, checkpoints, exits);
    // ProcessHandle.destroy() would send SIGTERM, a "smart shutdown" that waits for clients.
    if (!signal("INT", pid)) {
      process.get().destroy();
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (process.get().isAlive() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (process.get().isAlive()) {
      process.get().destroyForcibly();
    }
  }

  /** Whether the process is a {@code postgres ... -D <dataDirectory> ...} (and not, say, a reused pid). */
  static boolean isPostmasterOf(ProcessHandle process, Path dataDirectory) {
    ProcessHandle.Info info = process.info();
    if (!info.commandLine().orElse("").contains("postgres")) {
      return false;
    }
    String[] args = info.arguments().orElse(new String[0]);
    for (int i = 0; i + 1 < args.length; i++) {
      if ("-D".equals(args[i])) {
        try {
          return Path.of(args[i + 1]).toAbsolutePath().normalize().equals(dataDirectory.toAbsolutePath().normalize());
        } catch (RuntimeException e) {
          return false;
        }
      }
    }
    return false;
  }

  private static boolean signal(String signal, long pid) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
      kill.getInputStream().readAllBytes();
      return kill.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    try {
      postgres.close();
      log.info("embedded PostgreSQL stopped ({})", dataDirectory);
    } catch (IOException e) {
      log.warn("embedded PostgreSQL did not stop cleanly ({})", dataDirectory, e);
    }
  }
}
