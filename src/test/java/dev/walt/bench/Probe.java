package dev.walt.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A timeline beside a load phase: one extra request every {@code intervalMillis}, its start time and
 * latency written to a CSV file ({@code start,latency_ms,status}). The load generator's percentiles say
 * how long the slowest requests took; the probe says when they happened, which tells a stall of the
 * whole machine (every request slow in the same second) from requests that wait their turn behind
 * others (slow ones spread across the phase). Enabled by {@code -Dbench.probe=true} in {@link ApiBench}.
 */
final class Probe implements AutoCloseable {

  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  Probe(Path csv, long intervalMillis, ApiBench.Phase.Call call) throws IOException {
    Files.createDirectories(csv.toAbsolutePath().getParent());
    PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv));
    out.println("start,latency_ms,status");
    thread = new Thread(() -> {
      try (out) {
        while (running.get()) {
          long next = System.nanoTime() + intervalMillis * 1_000_000;
          Instant start = Instant.now();
          long t0 = System.nanoTime();
          int status = call.status();
          out.printf(java.util.Locale.ROOT, "%s,%.2f,%d%n", start, (System.nanoTime() - t0) / 1e6, status);
          long wait = next - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "probe");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join(10_000);
  }
}
