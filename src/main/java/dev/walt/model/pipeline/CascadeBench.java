package dev.walt.model.pipeline;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.walt.model.Bench;
import dev.walt.model.StageConfig;
import dev.walt.model.WaltConfig;
import dev.walt.model.WaltModel;
import dev.walt.model.transformer.FlopCount;
import dev.walt.model.vae.CausalVae;
import dev.walt.model.vae.InputRefiner;
import dev.walt.model.vae.VaeConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code bench} sections of the pipeline: the autoencoder's decode time (walt-tiny's and the
 * paper's autoencoder at a few sizes) and one whole walt-tiny generation, with the analytic FLOPs of
 * every stage beside its measured seconds. Random weights ({@link WaltModel#randomWeights}), so the
 * figures are the cost of the computation, not of a trained model's output.
 */
public final class CascadeBench {

  private CascadeBench() {}

  /** Registers both sections with {@link Bench}. */
  public static void register() {
    Bench.register(CascadeBench::autoencoder);
    Bench.register(CascadeBench::cascade);
  }

  /** Autoencoder decode: walt-tiny's VAE at 32, 64, 128 and the paper's VAE at 64, 128 (17 frames). */
  static void autoencoder(NDManager manager, int runs, PrintStream out) {
    JniUtils.setGradMode(false);
    out.println("autoencoder decode (batch 1, 17 frames, random weights)");
    out.println("  vae    video         latent        GFLOP   ms        GFLOP/s");
    decode(manager, "tiny", VaeConfig.tiny(), new int[] {32, 64, 128}, runs, 1, out);
    decode(manager, "paper", VaeConfig.paper(), new int[] {64, 128}, 1, 0, out);
    out.println();
  }

  private static void decode(
      NDManager manager, String name, VaeConfig config, int[] sizes, int runs, int warmup, PrintStream out) {
    try (NDManager models = manager.newSubManager()) {
      CausalVae vae = new CausalVae(config);
      vae.initialize(models);
      for (int size : sizes) {
        Shape latent =
            new Shape(1, config.latentChannels(), config.latentFrames(17), size / config.spatialFactor(),
                size / config.spatialFactor());
        double[] seconds = new double[runs];
        for (int i = -warmup; i < runs; i++) {
          try (NDManager scope = models.newSubManager()) {
            NDArray z = scope.randomNormal(latent);
            long start = System.nanoTime();
            NDArray video = vae.decode(z);
            video.getFloat(0, 0, 0, 0, 0); // wait for the result
            if (i >= 0) {
              seconds[i] = (System.nanoTime() - start) / 1e9;
            }
          }
        }
        double s = median(seconds);
        double gflop = vae.decodeFlops(latent) / 1e9;
        out.printf(Locale.ROOT, "  %-6s %-13s %-12s %7.1f %9.1f %8.1f%n", name, "17x" + size + "x" + size,
            latent.get(1) + "x" + latent.get(2) + "x" + latent.get(3) + "x" + latent.get(4), gflop, s * 1e3, gflop / s);
      }
    }
  }

  /** One walt-tiny text-to-video generation at its default size and steps: FLOPs and seconds per stage. */
  static void cascade(NDManager manager, int runs, PrintStream out) {
    WaltConfig config = WaltConfig.tiny();
    Map<String, double[]> flops = flops(config); // stage -> {GFLOP, passes}
    try (WaltModel model = WaltModel.randomWeights(config, 1, Device.cpu())) {
      out.printf(Locale.ROOT, "walt-tiny generation: %d x %d x %d, default steps, guidance on the base stage;"
              + " %,d parameters (vae %,d, text %,d%s)%n",
          config.frames(), config.last().height(), config.last().width(), model.parameterCount(),
          WaltModel.parameterCount(model.vae()), WaltModel.parameterCount(model.textEncoder()), stageParameters(model));
      WaltPipeline pipeline = new WaltPipeline(model, Duration.ofDays(1));
      GenerationSpec spec = GenerationSpec.text("a red circle moving left on a black background", config.frames(), 1);
      GenerateCommand.StageTimer timer = new GenerateCommand.StageTimer();
      pipeline.generate(spec, timer, () -> false);
      Map<String, Double> seconds = timer.seconds();
      out.println("  stage   size      latent     steps passes   GFLOP   seconds  GFLOP/s");
      double totalFlop = 0;
      double totalSeconds = 0;
      for (Map.Entry<String, double[]> e : flops.entrySet()) {
        String stage = e.getKey();
        double gflop = e.getValue()[0];
        double s = seconds.getOrDefault(stage, 0.0);
        totalFlop += gflop;
        totalSeconds += s;
        String size = "decode".equals(stage) ? config.last().width() + "x" + config.last().height()
            : stage(config, stage).width() + "x" + stage(config, stage).height();
        String latent = "decode".equals(stage) ? latent(config, config.last()) : latent(config, stage(config, stage));
        String steps = "decode".equals(stage) ? "-" : String.valueOf(stage(config, stage).steps());
        out.printf(Locale.ROOT, "  %-7s %-9s %-10s %5s %6.0f %8.1f %9.2f %8.1f%n", stage, size, latent, steps,
            e.getValue()[1], gflop, s, gflop / s);
      }
      out.printf(Locale.ROOT, "  %-7s %-9s %-10s %5s %6s %8.1f %9.2f %8.1f%n", "total", "", "", "", "", totalFlop,
          totalSeconds, totalFlop / totalSeconds);
    }
  }

  /**
   * Analytic GFLOPs of one generation per stage with the default steps: transformer forward passes
   * (two per step on guided text stages), then the autoencoder decode of the last stage's latent (with, when
   * the last stage has a refiner, the decode of the stage before's latent and the refiner). The text encoder (a
   * few MFLOP) is left out.
   */
  public static Map<String, double[]> flops(WaltConfig config) {
    Map<String, double[]> out = new LinkedHashMap<>();
    int frames = config.vae().latentFrames(config.frames());
    int textTokens = config.text() == null ? 0 : config.text().maxTokens();
    for (StageConfig stage : config.stages()) {
      int s = config.vae().spatialFactor();
      FlopCount pass =
          FlopCount.of(stage.transformer(), 1, frames, stage.height() / s, stage.width() / s, stage.text() ? textTokens : 0);
      int passes = stage.steps() * (stage.text() && stage.guidance() != 1.0 ? 2 : 1);
      out.put(stage.name(), new double[] {pass.total() * (double) passes / 1e9, passes});
    }
    CausalVae vae = new CausalVae(config.vae());
    StageConfig last = config.last();
    Shape latent = new Shape(1, config.vae().latentChannels(), frames, last.height() / config.vae().spatialFactor(),
        last.width() / config.vae().spatialFactor());
    double decode = vae.decodeFlops(latent);
    if (last.refiner() != null) { // the refiner works from the stage before's video: that decode, then the refiner
      StageConfig previous = config.stages().get(config.stages().size() - 2);
      decode += vae.decodeFlops(new Shape(1, config.vae().latentChannels(), frames,
          previous.height() / config.vae().spatialFactor(), previous.width() / config.vae().spatialFactor()));
      decode += new InputRefiner(last.refiner(), last.transformer().superResolutionFactor())
          .flops(new Shape(1, 3, config.frames(), last.height(), last.width()));
    }
    out.put("decode", new double[] {decode / 1e9, 1});
    return out;
  }

  private static StageConfig stage(WaltConfig config, String name) {
    return config.stages().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  private static String latent(WaltConfig config, StageConfig stage) {
    int s = config.vae().spatialFactor();
    return config.vae().latentFrames(config.frames()) + "x" + stage.height() / s + "x" + stage.width() / s;
  }

  private static String stageParameters(WaltModel model) {
    List<String> parts = new ArrayList<>();
    for (int k = 0; k < model.stages().size(); k++) {
      parts.add(String.format(Locale.ROOT, ", %s %,d", model.config().stages().get(k).name(),
          model.stages().get(k).parameterCount()));
    }
    return String.join("", parts);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
