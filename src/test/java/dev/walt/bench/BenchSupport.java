package dev.walt.bench;

import dev.walt.testing.TestServices;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** What every benchmark needs: a fresh database on the chosen server, percentiles, the machine. */
public final class BenchSupport {

  private BenchSupport() {}

  /** The PostgreSQL server to use: {@code -Dbench.db=jdbc:postgresql://host:port/} (default the local one). */
  static String server() {
    return System.getProperty("bench.db", "jdbc:postgresql://127.0.0.1:5432/");
  }

  static String user() {
    return System.getProperty("bench.db.user", "postgres");
  }

  static String password() {
    return System.getProperty("bench.db.password", "");
  }

  /** Drops and creates the database, returns its JDBC URL. */
  static String freshDatabase(String name) throws SQLException {
    try (Connection c = DriverManager.getConnection(server() + "postgres", user(), password());
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + name);
    }
    return server() + name;
  }

  /** Application properties for a benchmark instance: the given database, the test S3 server. */
  static Map<String, String> services(String jdbcUrl) throws IOException {
    TestServices.S3 s3 = TestServices.s3();
    Path data = Files.createTempDirectory("walt-bench-");
    Map<String, String> p = new LinkedHashMap<>();
    p.put("walt.data-dir", data.toString());
    p.put("walt.db.url", jdbcUrl);
    p.put("walt.db.user", user());
    p.put("walt.db.password", password());
    p.put("walt.s3.endpoint", s3.endpoint().toString());
    p.put("walt.s3.access-key", s3.accessKey());
    p.put("walt.s3.secret-key", s3.secretKey());
    p.put("walt.s3.region", s3.region());
    p.put("walt.s3.bucket", TestServices.newBucketName());
    return p;
  }

  /** The value at the given percentile (0-100) of the samples, nearest rank. */
  static double percentile(long[] samplesNanos, double p) {
    if (samplesNanos.length == 0) {
      return Double.NaN;
    }
    long[] sorted = samplesNanos.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
  }

  /** One line about the machine and its load right now. */
  public static String machine() {
    String load;
    try {
      load = Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      load = String.valueOf(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
    return "cpus=" + Runtime.getRuntime().availableProcessors() + " loadavg=" + load
        + " java=" + System.getProperty("java.version");
  }
}
