package dev.walt.bench;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API benchmark: starts {@link ApiBenchServer} as a separate JVM (API role only, no worker, local
 * PostgreSQL), then drives {@code POST /v1/videos} and {@code GET /v1/videos/{id}} from this process
 * with concurrent clients (java.net.http, one platform thread per client: the project targets Java 17)
 * for a fixed time each, and prints throughput and latency percentiles. Between the two phases the jobs
 * table is analyzed (a fresh database has no planner statistics yet; autovacuum would add them within
 * a minute).
 *
 * <p>Run: {@code ./mvnw -o -q -Pbench test-compile exec:java -Dbench.main=dev.walt.bench.ApiBench}
 * (options: {@code -Dbench.clients=32}, {@code -Dbench.seconds=20}, {@code -Dbench.warmup=60} (the
 * warm-up before each measured request, seconds), {@code -Dbench.url=http://127.0.0.1:18080} with
 * {@code -Dbench.key=...} to load a server that is already running instead of starting one (and
 * {@code -Dbench.serverPid=N} for its CPU column), {@code -Dbench.serverClasspath=...} to start the server from
 * another build, {@code -Dbench.serverJvmArgs="..."} for the server's JVM, e.g. a JFR recording,
 * {@code -Dbench.port=18080} and {@code -Dbench.dbName=walt_bench_api} to run two at once,
 * {@code -Dbench.createClients=8,16,32,64} to measure creates at several client counts (wrk only),
 * {@code -Dbench.reads=false} to measure creates only, {@code -Dbench.probe=true} to write a timeline of
 * one extra create every 20 ms beside each create phase ({@code target/bench-probe-create-N.csv}, {@link Probe}),
 * {@code -Dbench.loader=wrk} to measure with wrk (Debian's package; C, event loop, 2 threads) instead of
 * this JVM's clients, which cost the shared cores more than the server does).
 */
public final class ApiBench {

  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

  private ApiBench() {}

  public static void main(String[] args) throws Exception {
    int clients = Integer.getInteger("bench.clients", 32);
    int seconds = Integer.getInteger("bench.seconds", 20);
    int warmup = Integer.getInteger("bench.warmup", 60);
    String base = System.getProperty("bench.url");
    String key = System.getProperty("bench.key");
    Process server = null;
    Autovacuum vacuum = null;
    try {
      if (base == null) {
        int port = Integer.getInteger("bench.port", 18080);
        Path keyFile = Files.createTempFile("walt-bench-key", "");
        Files.delete(keyFile);
        server = startServer(port, keyFile);
        key = awaitKey(server, keyFile);
        vacuum = Autovacuum.startIfOff(BenchSupport.server() + dbName());
        base = "http://127.0.0.1:" + port;
      }
      if (key == null) {
        throw new IllegalArgumentException("-Dbench.key is needed with -Dbench.url");
      }
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5)).build();
      System.out.println("# API benchmark " + java.time.Instant.now() + " " + BenchSupport.machine());
      System.out.println("# " + clients + " clients, " + seconds + " s per phase after " + warmup + " s warm-up");
      List<String> ids = new CopyOnWriteArrayList<>();
      String auth = "Bearer " + key;
      String target = base;
      Phase.Call create = () -> {
        String body = "{\"prompt\":\"a red ball bouncing " + ThreadLocalRandom.current().nextInt()
            + "\",\"frames\":17,\"steps\":1,\"size\":\"128x128\"}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(target + "/v1/videos"))
            .header("Authorization", auth).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 202) {
          Matcher m = ID.matcher(r.body());
          if (m.find()) {
            ids.add(m.group(1));
          }
        }
        return r.statusCode();
      };
      Phase.Call get = () -> {
        String id = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(target + "/v1/videos/" + id))
            .header("Authorization", auth).GET().build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode();
      };
      CpuAccount cpu = new CpuAccount(server != null ? server.pid() : Long.getLong("bench.serverPid", -1L));
      boolean accounting = CpuAccount.available();
      // wrk's create rows: p50/p99/max of the requests as the script timed them (other wrk rows: wrk's own);
      // wrk's own p99 (corrected for coordinated omission, see Wrk) beside them
      System.out.println("| request | clients | requests/s | p50 ms | p99 ms | max ms | wrk's p99 ms | statuses |"
          + (accounting ? " " + CpuAccount.header() + " |" : "") + " " + WalAccount.header() + " |");
      System.out.println("|---|---:|---:|---:|---:|---:|---:|---|" + (accounting ? CpuAccount.alignment() : "")
          + "---:|---:|---:|");
      boolean wrk = "wrk".equals(System.getProperty("bench.loader", "java"));
      Phase.Result warm = new Phase("warm-up POST", clients, warmup, create).run();
      if (ids.isEmpty()) {
        throw new IllegalStateException("no create was accepted (statuses " + warm.statuses() + "); see the server log");
      }
      Measured measured = new Measured(cpu, accounting, new WalAccount(BenchSupport.server() + "postgres"));
      if (wrk) {
        // every measured request gets its own warm-up with the same load: the server's JIT compiles the
        // paths that request takes while the two cores are saturated, which takes tens of seconds (after 20 s
        // the compiler threads still took 12-20 % of the server's CPU: hence 60 s by default)
        Path script = Wrk.createScript(key);
        Wrk.run("warm-up POST", clients, warmup, target, script);
        // creates at each of -Dbench.createClients (default: the clients), the server warm from the first
        int phase = 0;
        for (int n : createClients(clients)) {
          phase++;
          try (Probe probe = probe("target/bench-probe-create-" + phase + ".csv", create)) {
            measured.wrk("POST /v1/videos", n, seconds, target, script);
          }
        }
      } else {
        measured.java(new Phase("POST /v1/videos", clients, seconds, create));
      }
      if (!Boolean.parseBoolean(System.getProperty("bench.reads", "true"))) {
        System.out.println("# done " + BenchSupport.machine());
        return;
      }
      if (server != null) {
        // the planner statistics a running database has: autovacuum analyzes a table once a tenth of it
        // changed, but not before its next round (up to a minute), and this database was created a moment ago
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(
                BenchSupport.server() + dbName(), BenchSupport.user(),
                BenchSupport.password());
            java.sql.Statement st = c.createStatement()) {
          st.execute("ANALYZE video_jobs");
        }
      }
      if (wrk) {
        Path script = Wrk.readScript(key, ids);
        Wrk.run("warm-up GET", clients, warmup, target, script);
        measured.wrk("GET /v1/videos/{id}", clients, seconds, target, script);
        // the same server's cheapest request (no key, no database: Tomcat, the filters and the MVC
        // dispatch alone): the ceiling that any endpoint of this server reaches on this machine
        Path live = Wrk.getScript("/actuator/health/liveness");
        Wrk.run("warm-up liveness", clients, warmup, target, live);
        measured.wrk("GET /actuator/health/liveness", clients, seconds, target, live);
      } else {
        new Phase("warm-up GET", clients, warmup, get).run();
        measured.java(new Phase("GET /v1/videos/{id}", clients, seconds, get));
      }
      System.out.println("# done " + BenchSupport.machine());
    } finally {
      if (vacuum != null) {
        vacuum.close();
      }
      if (server != null) {
        server.getOutputStream().close();
        if (!server.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
          server.destroyForcibly();
        }
      }
    }
  }

  /** The benchmark server's database: {@code -Dbench.dbName}, made afresh by {@link ApiBenchServer}. */
  private static String dbName() {
    return System.getProperty("bench.dbName", "walt_bench_api");
  }

  /** A {@link Probe} writing to {@code csv} when {@code -Dbench.probe=true}, else null (nothing to close). */
  private static Probe probe(String csv, Phase.Call call) throws IOException {
    return Boolean.getBoolean("bench.probe") ? new Probe(Path.of(csv), 20, call) : null;
  }

  /** The client counts of the create phase: {@code -Dbench.createClients=8,16,32,64}, else just {@code clients}. */
  static int[] createClients(int clients) {
    String list = System.getProperty("bench.createClients", "").strip();
    if (list.isEmpty()) {
      return new int[] {clients};
    }
    return java.util.Arrays.stream(list.split(",")).map(String::strip).mapToInt(Integer::parseInt).toArray();
  }

  /** Runs a measured phase and prints its row, with the CPU each part used per request when it can. */
  private record Measured(CpuAccount cpu, boolean accounting, WalAccount wal) {

    void wrk(String name, int connections, int seconds, String base, Path script) throws Exception {
      CpuAccount.Snapshot before = cpu.snapshot();
      WalAccount.Snapshot walBefore = wal.snapshot();
      Wrk.Result r = Wrk.run(name, connections, seconds, base, script);
      System.out.println(r.row(cells(before, walBefore, r.answered())));
    }

    void java(Phase phase) throws Exception {
      CpuAccount.Snapshot before = cpu.snapshot();
      WalAccount.Snapshot walBefore = wal.snapshot();
      Phase.Result r = phase.run();
      System.out.println(r.row(cells(before, walBefore, r.latencies().length)));
    }

    /** The CPU cells (where /proc is there) and the WAL cells of a phase that began at the given snapshots. */
    private String cells(CpuAccount.Snapshot before, WalAccount.Snapshot walBefore, long requests) {
      String walCells = WalAccount.cells(walBefore, wal.snapshot(), requests);
      return accounting ? cpu.cells(before, cpu.snapshot(), requests) + " | " + walCells : walCells;
    }
  }

  /** Fixed-duration closed-loop load: every client sends its next request when the last one returned. */
  static final class Phase {

    interface Call {
      int call() throws Exception;

      /** The status of one call, or -1 when it failed without one. */
      default int status() {
        try {
          return call();
        } catch (Exception e) {
          return -1;
        }
      }
    }

    record Result(String name, int clients, double rate, long[] latencies, Map<Integer, Integer> statuses) {
      /** The table row, with {@code extra} cells (CPU accounting) at its end when not empty. */
      String row(String extra) {
        return String.format("| %s | %d | %.0f | %.2f | %.2f | %.2f | - | %s |", name, clients, rate,
            BenchSupport.percentile(latencies, 50), BenchSupport.percentile(latencies, 99),
            BenchSupport.percentile(latencies, 100), statuses) + (extra.isEmpty() ? "" : " " + extra + " |");
      }
    }

    private final String name;
    private final int clients;
    private final int seconds;
    private final Call call;

    Phase(String name, int clients, int seconds, Call call) {
      this.name = name;
      this.clients = clients;
      this.seconds = seconds;
      this.call = call;
    }

    Result run() throws InterruptedException {
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      List<long[]> perClient = new ArrayList<>();
      int[] counts = new int[clients];
      Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
      List<Thread> threads = new ArrayList<>();
      long begin = System.nanoTime();
      for (int c = 0; c < clients; c++) {
        long[] samples = new long[2_000_000];
        perClient.add(samples);
        int index = c;
        Thread t = new Thread(() -> {
          int n = 0;
          while (System.nanoTime() < end && n < samples.length) {
            long t0 = System.nanoTime();
            int status = call.status();
            samples[n++] = System.nanoTime() - t0;
            statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
          }
          counts[index] = n;
        }, "client-" + c);
        t.start();
        threads.add(t);
      }
      for (Thread t : threads) {
        t.join();
      }
      double elapsed = (System.nanoTime() - begin) / 1e9;
      int total = 0;
      for (int n : counts) {
        total += n;
      }
      long[] all = new long[total];
      int k = 0;
      for (int c = 0; c < clients; c++) {
        System.arraycopy(perClient.get(c), 0, all, k, counts[c]);
        k += counts[c];
      }
      Map<Integer, Integer> byStatus = new TreeMap<>();
      statuses.forEach((s, n) -> byStatus.put(s, n.get()));
      return new Result(name, clients, total / elapsed, all, byStatus);
    }
  }

  private static Process startServer(int port, Path keyFile) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx1g", "-Dai.djl.offline=true"));
    String jvmArgs = System.getProperty("bench.serverJvmArgs", "").strip();
    if (!jvmArgs.isEmpty()) {
      command.addAll(List.of(jvmArgs.split("\\s+")));
    }
    command.addAll(List.of(
        "-Dbench.port=" + port, "-Dbench.keyFile=" + keyFile,
        "-Dbench.dbName=" + dbName(),
        "-Dbench.db=" + BenchSupport.server(), "-Dbench.db.user=" + BenchSupport.user(),
        "-Dbench.db.password=" + BenchSupport.password(),
        "-cp", System.getProperty("bench.serverClasspath", classpath()), ApiBenchServer.class.getName()));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target/bench-api-server.log")))
        .start();
  }

  private static String awaitKey(Process server, Path keyFile) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new IllegalStateException("the bench server exited; see target/bench-api-server.log");
      }
      if (Files.exists(keyFile) && Files.size(keyFile) > 0) {
        return Files.readString(keyFile).trim();
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the bench server did not start in time; see target/bench-api-server.log");
  }

  /** The test classpath: from the class loader that loaded us (exec:java), else java.class.path. */
  static String classpath() {
    List<String> entries = new ArrayList<>();
    ClassLoader loader = ApiBench.class.getClassLoader();
    while (loader != null) {
      if (loader instanceof URLClassLoader urls) {
        for (URL url : urls.getURLs()) {
          if ("file".equals(url.getProtocol())) {
            entries.add(new File(URI.create(url.toString())).getPath());
          }
        }
      }
      loader = loader.getParent();
    }
    if (entries.isEmpty()) {
      return System.getProperty("java.class.path");
    }
    return String.join(File.pathSeparator, entries);
  }
}
