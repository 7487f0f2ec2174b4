package dev.walt.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Where a phase's CPU time went, from Linux's {@code /proc}: the server JVM, PostgreSQL (every process
 * named {@code postgres}, plus what its exited children used), and the rest of the machine (the load
 * generator, and whatever else ran). Divided by the requests answered, it gives the CPU cost of one
 * request in each part: on a machine where the load generator, the server and the database share two
 * cores, that is the figure that says what a host with cores of their own would do.
 *
 * <p>Times are in clock ticks (USER_HZ, 100 per second on Linux's supported architectures). Where
 * {@code /proc} is not there, {@link #available()} is false and the benchmarks leave the columns out.
 */
final class CpuAccount {

  private static final Path PROC = Path.of("/proc");
  private static final double TICK_MICROS = 10_000;

  /**
   * CPU ticks used so far: by the server, by PostgreSQL, by the machine (busy), taken by the hypervisor
   * for other guests (steal), and elapsed over all cores.
   */
  record Snapshot(long server, long postgres, long busy, long steal, long total) {}

  private final long serverPid;

  /** @param serverPid the server JVM's process id, or -1 when it is not known (a server started elsewhere) */
  CpuAccount(long serverPid) {
    this.serverPid = serverPid;
  }

  static boolean available() {
    return Files.isReadable(PROC.resolve("stat"));
  }

  Snapshot snapshot() {
    long[] machine = machineTicks();
    return new Snapshot(serverPid < 0 ? 0 : processTicks(serverPid, false).orElse(0), postgresTicks(),
        machine[0], machine[2], machine[1]);
  }

  /** The table cells for a phase that answered {@code requests} requests between the two snapshots. */
  String cells(Snapshot before, Snapshot after, long requests) {
    long busy = after.busy - before.busy;
    long server = serverPid < 0 ? -1 : after.server - before.server;
    long postgres = after.postgres - before.postgres;
    long rest = busy - Math.max(0, server) - postgres;
    double perRequest = TICK_MICROS / Math.max(1, requests);
    long total = Math.max(1, after.total - before.total);
    return String.format(Locale.ROOT, "%s | %.0f | %.0f | %.0f %% | %.0f %%",
        server < 0 ? "-" : String.format(Locale.ROOT, "%.0f", server * perRequest), postgres * perRequest,
        rest * perRequest, 100.0 * busy / total, 100.0 * (after.steal - before.steal) / total);
  }

  /** The column titles that {@link #cells} fills. */
  static String header() {
    return "server CPU us/req | PostgreSQL CPU us/req | rest CPU us/req | machine busy | stolen";
  }

  /** The markdown alignment cells of {@link #header}'s columns (right-aligned numbers). */
  static String alignment() {
    return "---:|".repeat(header().split(" \\| ").length);
  }

  private static long postgresTicks() {
    long sum = 0;
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path p : procs) {
        long pid = Long.parseLong(p.getFileName().toString());
        String comm;
        try {
          comm = Files.readString(p.resolve("comm")).strip();
        } catch (IOException e) {
          continue; // exited meanwhile
        }
        if (comm.equals("postgres")) {
          // the postmaster's children's time holds the backends that exited (a closed connection)
          sum += processTicks(pid, true).orElse(0);
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return sum;
  }

  /** utime + stime of a process (and cutime + cstime when asked), or empty when it is gone. */
  private static OptionalLong processTicks(long pid, boolean withChildren) {
    String stat;
    try {
      stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
    } catch (IOException e) {
      return OptionalLong.empty();
    }
    // the command name (field 2) may hold spaces and parentheses: fields count from the last ')'
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // f[0] is field 3 (state): utime, stime, cutime, cstime are fields 14-17
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    if (withChildren) {
      ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }
    return OptionalLong.of(ticks);
  }

  /** Busy, total and stolen ticks of all cores (the first line of /proc/stat). */
  private static long[] machineTicks() {
    try {
      String[] f = Files.readAllLines(PROC.resolve("stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < Math.min(f.length, 9); i++) { // user nice system idle iowait irq softirq steal
        total += Long.parseLong(f[i]);
      }
      // idle, iowait, and steal (time the hypervisor gave to other guests) are not this machine's work
      long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
      long notBusy = Long.parseLong(f[4]) + Long.parseLong(f[5]) + steal;
      return new long[] {total - notBusy, total, steal};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 1, 0};
    }
  }
}
