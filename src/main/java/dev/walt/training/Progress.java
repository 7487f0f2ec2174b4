package dev.walt.training;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress bar on a terminal; plain lines every {@code every} steps otherwise. */
final class Progress {

  private final PrintStream out;
  private final boolean terminal;
  private final long every;

  Progress(PrintStream out, boolean terminal, long every) {
    this.out = out;
    this.terminal = terminal;
    this.every = Math.max(1, every);
  }

  void update(String stage, long step, long total, double smoothedLoss, double learningRate, double stepsPerSecond) {
    double eta = stepsPerSecond > 0 ? (total - step) / stepsPerSecond : 0;
    int width = 24;
    int filled = (int) (width * step / Math.max(1, total));
    String bar = "#".repeat(filled) + ".".repeat(width - filled);
    String line = String.format(Locale.ROOT, "%s [%s] %d/%d loss %.4f lr %.2e %.2f steps/s ETA %s", stage, bar, step,
        total, smoothedLoss, learningRate, stepsPerSecond, duration(eta));
    if (terminal) {
      out.print("\r" + line + "   ");
      if (step == total) {
        out.println();
      }
    } else if (step % every == 0 || step == total) {
      out.println(line);
    }
    out.flush();
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }
}
