package dev.walt.model.pipeline;

import ai.djl.Device;
import dev.walt.model.WaltModel;
import dev.walt.video.Clip;
import dev.walt.video.ImageDecoder;
import dev.walt.video.VideoEncoder;
import dev.walt.video.VideoSettings;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code java -jar walt.jar generate [--model DIR] --prompt TEXT [--negative-prompt TEXT] [--image FILE]
 * [--seed N] [--steps N] [--guidance G] [--frames N] [--device cpu|cuda:0] --out FILE.mp4}: runs the
 * cascade without the server and writes an MP4; prints the seconds of each stage and of the decode.
 * Without {@code --model} the bundled walt-tiny is used.
 */
public final class GenerateCommand {

  static final String USAGE =
      "usage: generate [--model DIR] --prompt TEXT [--negative-prompt TEXT] [--image FILE] [--seed N]"
          + " [--steps N] [--guidance G] [--frames N] [--device cpu|cuda:N] --out FILE.mp4";

  /** Parsed arguments of {@code generate}. */
  record Arguments(
      @Nullable String model,
      String prompt,
      @Nullable String negativePrompt,
      @Nullable Path image,
      long seed,
      @Nullable Integer steps,
      @Nullable Double guidance,
      @Nullable Integer frames,
      String device,
      Path out) {

    /**
     * @throws IllegalArgumentException with a message naming the offending option
     */
    static Arguments parse(String[] args) {
      Map<String, String> options = options(args, "--model", "--prompt", "--negative-prompt", "--image", "--seed",
          "--steps", "--guidance", "--frames", "--device", "--out");
      String prompt = options.get("--prompt");
      if (prompt == null || prompt.isBlank()) {
        throw new IllegalArgumentException("--prompt is required");
      }
      String out = options.get("--out");
      if (out == null) {
        throw new IllegalArgumentException("--out is required (the MP4 to write)");
      }
      return new Arguments(
          options.get("--model"), prompt, options.get("--negative-prompt"),
          options.containsKey("--image") ? Path.of(options.get("--image")) : null,
          options.containsKey("--seed") ? parseLong("--seed", options.get("--seed")) : 0L,
          options.containsKey("--steps") ? parseInt("--steps", options.get("--steps")) : null,
          options.containsKey("--guidance") ? parseDouble("--guidance", options.get("--guidance")) : null,
          options.containsKey("--frames") ? parseInt("--frames", options.get("--frames")) : null,
          options.getOrDefault("--device", "cpu"), Path.of(out));
    }
  }

  private GenerateCommand() {}

  /** Entry point; returns the exit status (2 for bad arguments, 1 for a failure). */
  public static int run(String[] args) {
    Arguments a;
    try {
      a = Arguments.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("generate: " + e.getMessage());
      System.err.println(USAGE);
      return 2;
    }
    PrintStream out = System.out;
    try (WaltModel model = WaltModel.load(a.model(), device(a.device()))) {
      WaltPipeline pipeline = new WaltPipeline(model, Duration.ofDays(1));
      BufferedImage image = null;
      if (a.image() != null) {
        image = new ImageDecoder(VideoSettings.defaults()).decode(Files.readAllBytes(a.image()));
      }
      int frames = a.frames() != null ? a.frames() : model.config().frames();
      GenerationSpec spec =
          new GenerationSpec(a.prompt(), a.negativePrompt(), image, frames, a.seed(), a.steps(), a.guidance());
      String violation = pipeline.limits().violation(spec);
      if (violation != null) {
        System.err.println("generate: " + violation);
        return 2;
      }
      StageTimer timer = new StageTimer();
      out.printf(Locale.ROOT, "%s on %s: \"%s\"%s, %d frames, seed %d%n", model.config().name(), model.device(),
          a.prompt(), image == null ? "" : " from " + a.image(), frames, a.seed());
      Clip clip = pipeline.generate(spec, timer, () -> false);
      long start = System.nanoTime();
      new VideoEncoder().encodeMp4(clip, a.out());
      double encode = (System.nanoTime() - start) / 1e9;
      timer.seconds().forEach((stage, s) -> out.printf(Locale.ROOT, "  %-7s %7.2f s%n", stage, s));
      out.printf(Locale.ROOT, "  %-7s %7.2f s%n", "encode", encode);
      out.printf(Locale.ROOT, "wrote %s: %d frames %dx%d at %d fps%n", a.out(), clip.frameCount(), clip.width(),
          clip.height(), clip.fps());
      return 0;
    } catch (IOException | RuntimeException e) {
      System.err.println("generate: " + e.getMessage());
      return 1;
    }
  }

  static Device device(String name) {
    return "cpu".equals(name) ? Device.cpu() : Device.fromName(name);
  }

  /**
   * Seconds per stage from progress reports: a stage runs from the report before its first step to its
   * last step; {@code decode} from the last step to the end report (decode and copy to frames).
   */
  public static final class StageTimer implements GenerationListener {
    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private long last = System.nanoTime();

    @Override
    public void onProgress(GenerationProgress p) {
      long now = System.nanoTime();
      if (p.step() > 0 && p.percent() < 100) {
        seconds.merge(p.stage(), (now - last) / 1e9, Double::sum);
      } else if (p.percent() >= 100) {
        seconds.merge("decode", (now - last) / 1e9, Double::sum);
      }
      last = now;
    }

    public Map<String, Double> seconds() {
      return seconds;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Shared argument parsing of the model commands

  /** {@code --name value} pairs; an unknown option, a missing value or a repeated option fails. */
  static Map<String, String> options(String[] args, String... known) {
    Map<String, String> options = new LinkedHashMap<>();
    java.util.Set<String> names = java.util.Set.of(known);
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (!names.contains(name)) {
        throw new IllegalArgumentException("unknown option '" + name + "'");
      }
      if (i + 1 >= args.length || (args[i + 1].startsWith("--") && names.contains(args[i + 1]))) {
        throw new IllegalArgumentException(name + " needs a value");
      }
      if (options.put(name, args[++i]) != null) {
        throw new IllegalArgumentException(name + " is given twice");
      }
    }
    return options;
  }

  static int parseInt(String option, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be an integer, got '" + value + "'");
    }
  }

  static long parseLong(String option, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be an integer, got '" + value + "'");
    }
  }

  static double parseDouble(String option, String value) {
    try {
      double d = Double.parseDouble(value);
      if (!Double.isFinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be a number, got '" + value + "'");
    }
  }
}
