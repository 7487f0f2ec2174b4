package dev.walt.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * What autovacuum would do, for a benchmark whose PostgreSQL server runs with {@code autovacuum = off}
 * (as a server kept for test suites may: this machine's is). Without it a table filled during the run is
 * never analyzed, and the planner keeps estimating it as empty: the API benchmark's queue-horizon read
 * ({@code OFFSET 100} on the queued jobs) was planned as a bitmap scan and sort of every queued row, 200-480
 * ms each, several times a second, once the table held 500,000 rows (PostgreSQL's log, 2026-12-07), where
 * the partial index answers in well under a millisecond. Every {@code autovacuum_naptime} (60 s) it applies
 * autovacuum's default rules to each table of the database: ANALYZE once more than 50 + 10 % of its rows
 * changed since the last, VACUUM once more than 50 + 20 % are dead or 1,000 + 20 % were inserted since the
 * last vacuum, with autovacuum's cost delay (2 ms per 200 cost units). On a server with autovacuum on it
 * does nothing.
 */
final class Autovacuum implements AutoCloseable {

  private final Thread thread;
  private volatile boolean running = true;

  private Autovacuum(String url) {
    thread = new Thread(() -> {
      while (running) {
        try {
          Thread.sleep(60_000);
          if (running) {
            round(url);
          }
        } catch (InterruptedException e) {
          return;
        } catch (SQLException e) {
          System.out.println("# autovacuum stand-in: " + e.getMessage());
        }
      }
    }, "autovacuum-stand-in");
    thread.setDaemon(true);
    thread.start();
  }

  /** Starts the stand-in for the database at {@code url} when the server's autovacuum is off, else null. */
  static Autovacuum startIfOff(String url) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, BenchSupport.user(), BenchSupport.password());
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SHOW autovacuum")) {
      r.next();
      if (!"off".equals(r.getString(1))) {
        return null;
      }
    }
    System.out.println("# autovacuum is off on this server: the benchmark runs its default rules every 60 s (Autovacuum)");
    return new Autovacuum(url);
  }

  private static void round(String url) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, BenchSupport.user(), BenchSupport.password());
        Statement s = c.createStatement()) {
      List<String> work = new ArrayList<>();
      try (ResultSet r = s.executeQuery("""
          SELECT format('%I.%I', t.schemaname, t.relname),
                 t.n_dead_tup > 50 + 0.2 * greatest(c.reltuples, 0)
                   OR t.n_ins_since_vacuum > 1000 + 0.2 * greatest(c.reltuples, 0),
                 t.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0)
          FROM pg_stat_user_tables t JOIN pg_class c ON c.oid = t.relid""")) {
        while (r.next()) {
          String what = r.getBoolean(2) ? "VACUUM (ANALYZE " + r.getBoolean(3) + ") " : r.getBoolean(3) ? "ANALYZE " : null;
          if (what != null) {
            work.add(what + r.getString(1));
          }
        }
      }
      s.execute("SET vacuum_cost_delay = '2ms'");
      s.execute("SET vacuum_cost_limit = 200");
      for (String command : work) {
        long t0 = System.nanoTime();
        s.execute(command);
        System.out.printf("# autovacuum stand-in, %s: %s (%d ms)%n", LocalTime.now().truncatedTo(ChronoUnit.SECONDS),
            command, (System.nanoTime() - t0) / 1_000_000);
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(5_000);
  }
}
