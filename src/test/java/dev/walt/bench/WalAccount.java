package dev.walt.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * What a phase wrote to PostgreSQL's write-ahead log, from the server's cumulative statistics
 * ({@code pg_stat_wal}, and the checkpoint counters): bytes and full-page images per request, and the
 * checkpoints that ran. Every commit of a create waits for its WAL to reach the disk, so the WAL a create
 * writes is what its latency pays under sustained load; a full-page image (a whole 8 kB page, written the
 * first time a page changes after a checkpoint) is the part that grows with the pages each insert touches.
 * The statistics are the whole server's: on a quiet server they are the benchmark's.
 */
final class WalAccount {

  /** WAL bytes and full-page images written, checkpoints completed so far. */
  record Snapshot(long bytes, long fullPages, long checkpoints) {}

  private final String url;

  /** @param url a JDBC URL of any database on the server */
  WalAccount(String url) {
    this.url = url;
  }

  Snapshot snapshot() {
    try (Connection c = DriverManager.getConnection(url, BenchSupport.user(), BenchSupport.password());
        Statement s = c.createStatement()) {
      // PostgreSQL 17 moved the checkpoint counters from pg_stat_bgwriter to pg_stat_checkpointer
      String checkpoints = c.getMetaData().getDatabaseMajorVersion() >= 17
          ? "(SELECT num_timed + num_requested FROM pg_stat_checkpointer)"
          : "(SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter)";
      try (ResultSet r = s.executeQuery("SELECT wal_bytes::bigint, wal_fpi, " + checkpoints + " FROM pg_stat_wal")) {
        r.next();
        return new Snapshot(r.getLong(1), r.getLong(2), r.getLong(3));
      }
    } catch (SQLException e) {
      return new Snapshot(-1, -1, -1);
    }
  }

  /** The table cells for a phase that answered {@code requests} requests between the two snapshots. */
  static String cells(Snapshot before, Snapshot after, long requests) {
    if (before.bytes < 0 || after.bytes < 0) {
      return "- | - | -";
    }
    double n = Math.max(1, requests);
    return String.format(Locale.ROOT, "%.1f | %.2f | %d", (after.bytes - before.bytes) / 1024.0 / n,
        (after.fullPages - before.fullPages) / n, after.checkpoints - before.checkpoints);
  }

  /** The column titles that {@link #cells} fills. */
  static String header() {
    return "WAL kB/req | full-page images/req | checkpoints";
  }
}
