package dev.walt.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.walt.model.diffusion.DenoiserInput;
import dev.walt.model.transformer.FlopCount;
import dev.walt.model.transformer.TransformerConfig;
import dev.walt.model.transformer.WaltTransformer;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@code java -jar walt.jar bench [--width 192] [--depth 6] [--heads 3] [--runs 3] [--threads N] [--quick]}: prints,
 * in one run on this machine, the fp32 matmul throughput, the transformer's forward time and achieved
 * GFLOP/s with window attention and with full attention at 1,280, 5,120 and 20,480 latent tokens, and
 * the sections other features register (the autoencoder decode time) through {@link #register}.
 *
 * <p>Forward passes are inference (no gradient), batch 1, 16 text tokens, random weights; each figure
 * is the median of {@code --runs} timed passes after one warm-up pass (full attention at the largest
 * size: a single pass, no warm-up, to bound the run time). FLOPs are the analytic count of
 * {@link FlopCount} (matrix products only). Process CPU time is printed beside wall time: on a shared
 * machine it is the steadier figure, especially with {@code --threads 1} (PyTorch's intra-op threads
 * wait for each other at every operator when the cores are oversubscribed).
 */
public final class Bench {

  /** A benchmark section contributed by another feature, printed after the transformer's. */
  public interface Section {
    /** Runs and prints its lines to {@code out}; arrays must be scoped to {@code manager}. */
    void run(NDManager manager, int runs, PrintStream out);
  }

  private static final List<Section> SECTIONS = new CopyOnWriteArrayList<>();

  private static final int TEXT_TOKENS = 16;

  private Bench() {}

  /**
   * Adds a section (for example the autoencoder's decode time of a 17 x 64 x 64 clip) to every later
   * {@code bench} run.
   */
  public static void register(Section section) {
    SECTIONS.add(section);
  }

  /** Entry point of the {@code bench} command; returns the exit status. */
  public static int run(String[] args) {
    int width = 192;
    int depth = 6;
    int heads = 3;
    int runs = 3;
    boolean quick = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--width" -> width = Integer.parseInt(args[++i]);
        case "--depth" -> depth = Integer.parseInt(args[++i]);
        case "--heads" -> heads = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--quick" -> quick = true;
        case "--threads" -> System.setProperty("ai.djl.pytorch.num_threads", args[++i]); // before the engine starts
        default -> {
          System.err.println("usage: bench [--width N] [--depth N] [--heads N] [--runs N] [--threads N] [--quick]");
          return 2;
        }
      }
    }
    PrintStream out = System.out;
    Engine engine = Engine.getInstance();
    out.printf(
        Locale.ROOT, "walt bench: %s %s, %d cores, %s intra-op threads, java %s%n", engine.getEngineName(),
        engine.getVersion(), Runtime.getRuntime().availableProcessors(),
        System.getProperty("ai.djl.pytorch.num_threads", "default"), System.getProperty("java.version"));
    long wallStart = System.nanoTime();
    long cpuStart = processCpuNanos();
    try (NDManager manager = NDManager.newBaseManager()) {
      out.printf(
          Locale.ROOT, "device %s, system load average %.1f%n%n", manager.getDevice(),
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      double[] matmul = matmul(manager, out, quick);
      transformer(manager, out, width, depth, heads, runs, quick, matmul);
      out.println();
      if (SECTIONS.isEmpty()) {
        out.println("autoencoder decode: no section registered (Bench.register)");
      }
      for (Section section : SECTIONS) {
        try (NDManager scope = manager.newSubManager()) {
          section.run(scope, runs, out);
        }
      }
    }
    double wall = (System.nanoTime() - wallStart) / 1e9;
    double cpu = (processCpuNanos() - cpuStart) / 1e9;
    out.printf(
        Locale.ROOT, "%ntotal %.0f s wall, %.0f s CPU: %.2f of %d cores busy on average%s%n", wall, cpu, cpu / wall,
        Runtime.getRuntime().availableProcessors(),
        cpu / wall < 0.75 * Runtime.getRuntime().availableProcessors()
            ? " (other processes competed for the CPU; figures are pessimistic)"
            : "");
    return 0;
  }

  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : 0;
  }

  /** Median wall-clock and process-CPU seconds of repeated runs. */
  private record Timing(double wall, double cpu) {}

  /** Runs {@code pass} {@code warmup + runs} times; medians of the timed runs. */
  private static Timing measure(int runs, int warmup, Runnable pass) {
    double[] wall = new double[runs];
    double[] cpu = new double[runs];
    for (int i = -warmup; i < runs; i++) {
      long cpuStart = processCpuNanos();
      long start = System.nanoTime();
      pass.run();
      if (i >= 0) {
        wall[i] = (System.nanoTime() - start) / 1e9;
        cpu[i] = (processCpuNanos() - cpuStart) / 1e9;
      }
    }
    return new Timing(median(wall), median(cpu));
  }

  /** fp32 square matmul throughput; returns the best {wall, CPU} GFLOP/s measured. */
  private static double[] matmul(NDManager manager, PrintStream out, boolean quick) {
    out.println("fp32 matmul                 wall          process CPU");
    double[] best = new double[2];
    for (int n : quick ? new int[] {512, 1024} : new int[] {1024, 2048}) {
      try (NDManager scope = manager.newSubManager()) {
        NDArray a = scope.randomNormal(new Shape(n, n));
        NDArray b = scope.randomNormal(new Shape(n, n));
        Timing t =
            measure(
                5,
                2,
                () -> {
                  NDArray c = a.matMul(b);
                  c.getFloat(0, 0); // wait for the result
                  c.close();
                });
        double flops = 2.0 * n * n * n;
        double cpuGflops = t.cpu() > 0 ? flops / t.cpu() / 1e9 : Double.NaN; // CPU clock ticks are coarse
        best[0] = Math.max(best[0], flops / t.wall() / 1e9);
        if (Double.isFinite(cpuGflops)) {
          best[1] = Math.max(best[1], cpuGflops);
        }
        out.printf(
            Locale.ROOT, "  %4d x %-4d  %8.2f ms %7.1f GFLOP/s  %8.2f ms %7.1f GFLOP/s%n", n, n, t.wall() * 1e3,
            flops / t.wall() / 1e9, t.cpu() * 1e3, cpuGflops);
      }
    }
    return best;
  }

  private static void transformer(
      NDManager manager, PrintStream out, int width, int depth, int heads, int runs, boolean quick, double[] matmul) {
    int[][] latents = quick ? new int[][] {{5, 16, 16}, {5, 32, 32}} : new int[][] {{5, 16, 16}, {5, 32, 32}, {5, 64, 64}};
    int[] largest = latents[latents.length - 1];
    TransformerConfig windowed =
        TransformerConfig.preset("walt-tiny").withSize(depth, width, heads).withMaxLatent(largest[0], largest[1], largest[2]);
    TransformerConfig full = windowed.withFullAttention();
    out.printf(
        Locale.ROOT,
        "%ntransformer forward (batch 1, %d text tokens): depth %d, width %d, heads %d, c %d, patch %d,"
            + " windows %s and %s (relative bias) vs full attention (no relative bias);"
            + " wall clock and process CPU time%n",
        TEXT_TOKENS, depth, width, heads, windowed.latentChannels(), windowed.patchSize(), windowed.spatialWindow(),
        windowed.spatiotemporalWindow());
    out.println(
        "  latent      tokens | window ms  GFLOP/s us/token  CPU ms | full ms     GFLOP/s us/token  CPU ms | speedup  CPU");
    List<Timing[]> rows = new ArrayList<>();
    List<double[]> flops = new ArrayList<>();
    try (NDManager models = manager.newSubManager()) {
      WaltTransformer windowModel = randomModel(windowed, models, 1);
      WaltTransformer fullModel = randomModel(full, models, 1);
      for (int i = 0; i < latents.length; i++) {
        int[] l = latents[i];
        long tokens = (long) l[0] * l[1] * l[2];
        boolean last = i == latents.length - 1;
        Timing tw = measure(runs, 1, () -> forward(windowModel, manager, l));
        Timing tf = last ? measure(1, 0, () -> forward(fullModel, manager, l)) : measure(runs, 1, () -> forward(fullModel, manager, l));
        FlopCount fw = windowModel.flops(1, l[0], l[1], l[2], TEXT_TOKENS);
        FlopCount ff = fullModel.flops(1, l[0], l[1], l[2], TEXT_TOKENS);
        rows.add(new Timing[] {tw, tf});
        flops.add(new double[] {tokens, fw.total(), ff.total()});
        out.printf(
            Locale.ROOT,
            "  %2dx%3dx%-3d %6d | %9.1f %8.1f %8.1f %7.0f | %9.1f %9.1f %8.1f %7.0f | %6.2fx %5.2fx%n",
            l[0], l[1], l[2], tokens, tw.wall() * 1e3, fw.total() / tw.wall() / 1e9, tw.wall() / tokens * 1e6,
            tw.cpu() * 1e3, tf.wall() * 1e3, ff.total() / tf.wall() / 1e9, tf.wall() / tokens * 1e6, tf.cpu() * 1e3,
            tf.wall() / tw.wall(), tf.cpu() / tw.cpu());
        out.printf(
            Locale.ROOT,
            "  %18s   FLOPs: window %.2f G (attention %.2f G), full %.2f G (attention %.2f G)%n",
            "", fw.total() / 1e9, fw.attention() / 1e9, ff.total() / 1e9, ff.attention() / 1e9);
      }
    }
    int lastIndex = rows.size() - 1;
    out.println();
    out.println("  summary                                         wall     CPU");
    summary(out, "window vs full at " + (long) flops.get(0)[0] + " tokens (>= 1.6x)",
        rows.get(0)[1].wall() / rows.get(0)[0].wall(), rows.get(0)[1].cpu() / rows.get(0)[0].cpu(), "x");
    summary(out, "window vs full at " + (long) flops.get(lastIndex)[0] + " tokens (>= 10x)",
        rows.get(lastIndex)[1].wall() / rows.get(lastIndex)[0].wall(),
        rows.get(lastIndex)[1].cpu() / rows.get(lastIndex)[0].cpu(), "x");
    double tokenRatio = flops.get(lastIndex)[0] / flops.get(0)[0];
    summary(out, "window cost per token, largest / smallest (~1)",
        rows.get(lastIndex)[0].wall() / rows.get(0)[0].wall() / tokenRatio,
        rows.get(lastIndex)[0].cpu() / rows.get(0)[0].cpu() / tokenRatio, "x");
    double bestWall = 0;
    double bestCpu = 0;
    for (int i = 0; i < rows.size(); i++) {
      bestWall = Math.max(bestWall, flops.get(i)[1] / rows.get(i)[0].wall() / 1e9);
      bestCpu = Math.max(bestCpu, flops.get(i)[1] / rows.get(i)[0].cpu() / 1e9);
    }
    summary(out, "window throughput / matmul throughput (>= 50%)", 100 * bestWall / matmul[0], 100 * bestCpu / matmul[1], "%");
  }

  private static void summary(PrintStream out, String label, double wall, double cpu, String unit) {
    out.printf(Locale.ROOT, "  %-46s %6.2f%s %6.2f%s%n", label, wall, unit, cpu, unit);
  }

  /** One inference forward pass on a random latent with 16 text tokens, scoped to its own manager. */
  private static void forward(WaltTransformer model, NDManager manager, int[] latent) {
    TransformerConfig config = model.config();
    try (NDManager scope = manager.newSubManager()) {
      NDArray noisy = scope.randomNormal(new Shape(1, config.latentChannels(), latent[0], latent[1], latent[2]));
      NDArray text = scope.randomNormal(new Shape(1, TEXT_TOKENS, config.textDim()));
      DenoiserInput input =
          new DenoiserInput(
              noisy, scope.create(new float[] {500f}), null, text, scope.ones(new Shape(1, TEXT_TOKENS)), null, null,
              null, null, false);
      NDArray v = model.forward(new ParameterStore(scope, false), input, null);
      v.getFloat(0, 0, 0, 0, 0); // wait for the result
    }
  }

  private static WaltTransformer randomModel(TransformerConfig config, NDManager manager, int seed) {
    WaltTransformer model = WaltTransformer.create(config, manager, seed);
    // Fresh models have zero gates and outputs; give every weight a small random value instead.
    for (Pair<String, Parameter> pair : model.getParameters()) {
      NDArray array = pair.getValue().getArray();
      try (NDManager scope = manager.newSubManager()) {
        array.set(scope.randomNormal(0f, 0.02f, array.getShape(), DataType.FLOAT32).toByteBuffer());
      }
    }
    return model;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
