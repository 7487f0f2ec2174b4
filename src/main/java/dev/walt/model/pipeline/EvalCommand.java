package dev.walt.model.pipeline;

import dev.walt.eval.Analyser;
import dev.walt.eval.EvalReport;
import dev.walt.eval.Psnr;
import dev.walt.eval.Upsampling;
import dev.walt.model.StageConfig;
import dev.walt.model.WaltConfig;
import dev.walt.model.WaltModel;
import dev.walt.video.Clip;
import dev.walt.world.Domain;
import dev.walt.world.Example;
import dev.walt.world.Frames;
import dev.walt.world.SceneRenderer;
import dev.walt.world.Split;
import dev.walt.world.World;
import dev.walt.world.WorldSampler;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * {@code java -jar walt.jar eval [--model DIR] [--prompts N] [--images N] [--clips N] [--seed S]
 * [--steps N] [--guidance G] [--device cpu|cuda:N]}: measures a model of the moving-shapes world (issue 6) on the
 * held-out split and prints Markdown tables:
 *
 * <ul>
 *   <li>text-to-video: {@code --prompts} held-out captions (video examples 0 ..) generated with seeds
 *       {@code S, S + 1, ...}; the {@link Analyser} reads colour, shape, motion and background back;
 *   <li>image-to-video: {@code --images} held-out scenes (examples 10,000 ..): the first frame rendered at
 *       256 x 256 is the input image, the caption the prompt; first-frame PSNR against the same frame at
 *       the output size, and the direction read back;
 *   <li>autoencoder: reconstruction PSNR of {@code --clips} held-out clips (examples 20,000 ..) at every
 *       stage's size, over the whole clip and split into the first frame (a latent frame of its own) and the
 *       frames after it (compressed in time);
 *   <li>super-resolution: each SR stage run alone from the ground-truth clip at the previous stage's size
 *       (the same clips), PSNR against the ground truth at its size, beside bicubic upsampling of the same
 *       input;
 *   <li>what the analyser reads from each of those reconstructions and SR outputs (sizes of at least {@value
 *       Analyser#MIN_SIDE}): which part of the cascade keeps, or loses, an attribute of a known input.
 * </ul>
 *
 * Clips at every size are area-averaged from the 256 x 256 rendering, as in training.
 */
public final class EvalCommand {

  static final String USAGE =
      "usage: eval [--model DIR] [--prompts N] [--images N] [--clips N] [--seed S] [--steps N] [--guidance G]"
          + " [--device cpu|cuda:N]";

  /** Parsed arguments of {@code eval}. */
  record Arguments(
      @Nullable String model, int prompts, int images, int clips, long seed, @Nullable Integer steps,
      @Nullable Double guidance, String device) {

    static Arguments parse(String[] args) {
      Map<String, String> o =
          GenerateCommand.options(args, "--model", "--prompts", "--images", "--clips", "--seed", "--steps", "--guidance",
              "--device");
      Arguments a =
          new Arguments(
              o.get("--model"),
              o.containsKey("--prompts") ? GenerateCommand.parseInt("--prompts", o.get("--prompts")) : 30,
              o.containsKey("--images") ? GenerateCommand.parseInt("--images", o.get("--images")) : 10,
              o.containsKey("--clips") ? GenerateCommand.parseInt("--clips", o.get("--clips")) : 10,
              o.containsKey("--seed") ? GenerateCommand.parseLong("--seed", o.get("--seed")) : 1L,
              o.containsKey("--steps") ? GenerateCommand.parseInt("--steps", o.get("--steps")) : null,
              o.containsKey("--guidance") ? GenerateCommand.parseDouble("--guidance", o.get("--guidance")) : null,
              o.getOrDefault("--device", "cpu"));
      if (a.prompts < 0 || a.images < 0 || a.clips < 0) {
        throw new IllegalArgumentException("--prompts, --images and --clips must be >= 0");
      }
      return a;
    }
  }

  private EvalCommand() {}

  /** Entry point; returns the exit status (2 for bad arguments, 1 for a failure). */
  public static int run(String[] args) {
    Arguments a;
    try {
      a = Arguments.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("eval: " + e.getMessage());
      System.err.println(USAGE);
      return 2;
    }
    try (WaltModel model = WaltModel.load(a.model(), GenerateCommand.device(a.device()))) {
      evaluate(new WaltPipeline(model, Duration.ofDays(1)), a, System.out);
      return 0;
    } catch (IOException | RuntimeException e) {
      System.err.println("eval: " + e.getMessage());
      return 1;
    }
  }

  /** Runs the evaluation and prints its tables to {@code out}. */
  static void evaluate(WaltPipeline pipeline, Arguments a, PrintStream out) {
    WaltModel model = pipeline.model();
    WaltConfig config = model.config();
    Analyser analyser = new Analyser(model.domainJson() != null ? Domain.parse(model.domainJson()) : Domain.load());
    WorldSampler world = new WorldSampler(a.seed());
    int size = config.last().width();
    long started = System.nanoTime();
    out.printf(Locale.ROOT, "# eval of %s, seed %d%n", config.name(), a.seed());

    EvalReport textToVideo = new EvalReport();
    for (int i = 0; i < a.prompts(); i++) {
      Example example = world.video(Split.HELD_OUT, i);
      Clip clip = pipeline.generate(spec(example.caption(), config, a, a.seed() + i, null), GenerationListener.NONE,
          () -> false);
      textToVideo.add(example.scene(), analyser.analyse(clip.frames()));
    }
    if (a.prompts() > 0) {
      out.printf(Locale.ROOT, "%n## Text-to-video (%d held-out prompts)%n%n%s", a.prompts(), textToVideo.markdown());
    }

    EvalReport imageToVideo = new EvalReport();
    for (int i = 0; i < a.images(); i++) {
      Example example = world.video(Split.HELD_OUT, 10_000 + i);
      BufferedImage first = SceneRenderer.renderFrame(example.scene(), 0, World.RESOLUTION);
      Clip clip = pipeline.generate(spec(example.caption(), config, a, a.seed() + i, first),
          GenerationListener.NONE, () -> false);
      imageToVideo.add(example.scene(), analyser.analyse(clip.frames()));
      imageToVideo.addMeasurement("first-frame PSNR (dB)", Psnr.of(clip.frames().get(0), Frames.downsample(first, size)));
    }
    if (a.images() > 0) {
      out.printf(Locale.ROOT, "%n## Image-to-video (%d held-out scenes)%n%n", a.images());
      out.println("| measurement | value |\n|---|---:|");
      out.printf(Locale.ROOT, "| direction accuracy | %.1f%% |%n", 100 * imageToVideo.summary().accuracy("motion"));
      // the image shows the object: a shape read wrong here is one the stages lose, not one the caption failed to give
      out.printf(Locale.ROOT, "| shape accuracy | %.1f%% |%n", 100 * imageToVideo.summary().accuracy("shape"));
      EvalReport.Stat psnr = imageToVideo.summary().measurements().get("first-frame PSNR (dB)");
      out.printf(Locale.ROOT, "| first-frame PSNR (dB), mean (min) | %.2f (%.2f) |%n", psnr.mean(), psnr.min());
      out.print(imageToVideo.errorsMarkdown());
    }

    EvalReport reconstruction = new EvalReport();
    // what the analyser reads from each reconstruction and from each SR stage's output: where a stage keeps
    // (or loses) what its input shows, e.g. an outline the 32 px latent does not hold
    Map<String, EvalReport> read = new LinkedHashMap<>();
    EvalReport superResolution = new EvalReport();
    TreeSet<Integer> sizes = new TreeSet<>();
    config.stages().forEach(s -> sizes.add(s.width()));
    for (int i = 0; i < a.clips(); i++) {
      Example example = world.video(Split.HELD_OUT, 20_000 + i);
      // the model's segment length (17 for walt-tiny, the world's clip length)
      List<BufferedImage> full = SceneRenderer.render(example.scene(), 0, Math.min(config.frames(), World.FRAMES), World.RESOLUTION);
      for (int side : sizes) {
        Clip clip = new Clip(Frames.downsample(full, side), config.fps());
        Clip reconstructed = pipeline.reconstruct(clip);
        String at = "autoencoder PSNR (dB) at " + side + "x" + side;
        reconstruction.addMeasurement(at, Psnr.of(clip.frames(), reconstructed.frames()));
        // the causal encoder gives the first frame a latent frame of its own and every later latent frame to
        // temporalFactor frames: the split shows what the temporal compression costs (the moving outline)
        int n = clip.frames().size();
        reconstruction.addMeasurement(at + ", frame 1 (alone in its latent frame)",
            Psnr.of(clip.frames().subList(0, 1), reconstructed.frames().subList(0, 1)));
        if (n > 1) {
          reconstruction.addMeasurement(at + ", frames 2-" + n,
              Psnr.of(clip.frames().subList(1, n), reconstructed.frames().subList(1, n)));
        }
        if (side >= Analyser.MIN_SIDE) {
          read.computeIfAbsent("the autoencoder's reconstructions at " + side + "x" + side, k -> new EvalReport())
              .add(example.scene(), analyser.analyse(reconstructed.frames()));
        }
      }
      for (int k = 1; k < config.stages().size(); k++) {
        StageConfig stage = config.stages().get(k);
        StageConfig previous = config.stages().get(k - 1);
        List<BufferedImage> truth = Frames.downsample(full, stage.width());
        List<BufferedImage> low = Frames.downsample(full, previous.width());
        WaltPipeline.SuperResolved parts =
            pipeline.superResolveParts(k, new Clip(low, config.fps()), example.caption(), a.seed() + i, 0);
        Clip upscaled = parts.output();
        double generated = Psnr.of(truth, upscaled.frames());
        if (stage.width() >= Analyser.MIN_SIDE) {
          read.computeIfAbsent(stage.name() + "'s outputs from the ground truth at " + previous.width() + "x"
                  + previous.height(), key -> new EvalReport())
              .add(example.scene(), analyser.analyse(upscaled.frames()));
        }
        double bicubic = Psnr.of(truth, Upsampling.bicubic(low, stage.width(), stage.height()));
        superResolution.addMeasurement(stage.name() + " PSNR (dB)", generated);
        superResolution.addMeasurement(stage.name() + " bicubic PSNR (dB)", bicubic);
        superResolution.addMeasurement(stage.name() + " gain over bicubic (dB)", generated - bicubic);
        if (parts.refinedBicubic() != null) {
          // where the refined output's gain comes from: the sample before the refiner, and the refiner without it
          superResolution.addMeasurement(stage.name() + " PSNR before its refiner (dB)",
              Psnr.of(truth, parts.decoded().frames()));
          superResolution.addMeasurement(stage.name() + " refiner on bicubic alone, PSNR (dB)",
              Psnr.of(truth, parts.refinedBicubic().frames()));
        }
      }
    }
    if (a.clips() > 0) {
      out.printf(Locale.ROOT, "%n## Autoencoder reconstruction (%d held-out clips)%n%n%s", a.clips(),
          reconstruction.markdown());
      if (config.stages().size() > 1) {
        out.printf(Locale.ROOT, "%n## Super-resolution from the ground-truth low-resolution clip (%d clips)%n%n%s",
            a.clips(), superResolution.markdown());
      }
      read.forEach((what, report) -> out.printf(Locale.ROOT, "%n### Read by the analyser: %s%n%n%s", what,
          report.markdown()));
    }
    out.printf(Locale.ROOT, "%n%.0f s in all%n", (System.nanoTime() - started) / 1e9);
  }

  private static GenerationSpec spec(
      String caption, WaltConfig config, Arguments a, long seed, @Nullable BufferedImage image) {
    return new GenerationSpec(caption, null, image, config.frames(), seed, a.steps(), a.guidance());
  }
}
