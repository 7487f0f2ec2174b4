package dev.walt.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.walt.model.StageConfig;
import dev.walt.model.WaltConfig;
import dev.walt.model.WaltModel;
import dev.walt.model.checkpoint.Checkpoints;
import dev.walt.model.checkpoint.ParameterNames;
import dev.walt.model.transformer.TransformerConfig;
import dev.walt.model.transformer.WaltTransformer;
import dev.walt.model.guide.CaptionGuide;
import dev.walt.model.guide.CaptionRefiner;
import dev.walt.model.vae.InputRefiner;
import dev.walt.world.Split;
import dev.walt.world.TrainingBatches;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The {@code train} subcommand:
 *
 * <pre>
 * train --stage vae|base|sr2|... [--model-out DIR] [--work DIR] [--steps N] [--batch B] [--lr X] [--seed S]
 *       [--resume] [--export] [--images N] [--config PRESET] [--checkpoint-every N] [--until N]
 *       [--frame-conditioning P] [--high-noise P [--noise-band FROM-TO]] [--motion-captions P]
 *       [--object-weight W | --outline-weight W] [--latent-pool N] [--init-from DIR [--init-parts P,...]]
 *       [--refiner [--refiner-pool N | --refiner-redraws N [--redraw-strength A-B]] [--refiner-noise S]
 *       [--refiner-clean P]]
 *       [--guide [--guide-pool N] [--guide-robust R]]
 *       [--caption-refiner [--redraw-pool N [--redraw-share P] [--redraw-strength A-B]] [--own-inputs P] [--fade P]]
 * </pre>
 *
 * {@code --init-from DIR} builds the model of the folder's config (or of the preset) afresh and copies into it
 * every parameter that the complete model in DIR has under the same name and shape: a warm start for a changed
 * architecture (for example a base stage with {@code pooledText} from one without). A stage whose patch size grew
 * by an integer factor on the same token grid gets its patch embedding and output projection through
 * {@link PatchResize} (a 32 px base with patch 1 warm-starting a 64 px base with patch 2). Give it on every piece of
 * a run, {@code --resume} included, since the parts not trained come from it. {@code --init-parts vae,sr1,sr2}
 * copies only the named parts ({@code vae}, {@code text}, stage names): the others start afresh from the seed
 * (for example a text encoder and base stage trained from scratch on an existing autoencoder).
 *
 * Base stage only: {@code --frame-conditioning} is the fraction of videos trained with their first latent
 * frame given (image-to-video; default 0.3), {@code --high-noise} the probability of drawing a sample's
 * timestep from a band of the schedule instead of all of it (default 0), {@code --noise-band} that band (default
 * the upper half, 500-1000), {@code --motion-captions} the
 * probability that a video is captioned with its motion's phrase alone (default 0), {@code --object-weight} how
 * much more the loss weighs the latent positions that hold the object (default 0: all alike; see {@link
 * BaseObjective#withObjectWeight}), {@code --outline-weight} how much more it weighs the positions that tell the
 * shapes apart (default 0; {@link BaseObjective#withOutlineWeight}; not with {@code --object-weight}), {@code
 * --latent-pool N} draws the videos from N clips encoded once into the
 * work folder instead of encoding new ones every step ({@link LatentPool}: about twice the videos per
 * second on the CPU; the stills are still new each step). A super-resolution stage takes {@code --latent-pool N}
 * too: N clips encoded once at its resolution and at its input's (two files in the work folder).
 *
 * Parts trained alone, everything else frozen: {@code --refiner} trains a super-resolution stage's {@link
 * RefinerObjective refiner} from a pool of N clips of the stage's own samples ({@code --refiner-pool}, default
 * 300), with {@code --refiner-redraws N} the second stage's from N clips whose inputs (but every fourth, clean) are
 * the first stage's redraws of their scenes ({@link RedrawPool}, kept in the work folder as {@value
 * RedrawPool#FILE}) refined by its caption refiner; {@code --guide} trains the first stage's {@link GuideObjective
 * caption guide} from a pool of N scenes each encoded in every shape ({@code --guide-pool}, default 600), on
 * adversarial perturbations of at most R per value with {@code --guide-robust R} (default 0); {@code
 * --caption-refiner} trains the first stage's {@link CaptionRefinerObjective caption refiner} on frames of the
 * training stream rendered in every shape, and with {@code --redraw-pool N} a share P of them ({@code
 * --redraw-share}, default 0.5) from a pool of N of the stage's own redraws of known scenes ({@link RedrawPool};
 * strengths uniform in {@code --redraw-strength}, default 0.5-0.85); {@code --own-inputs P} passes a share P of the
 * steps' inputs through the refiner first (default 0), for a refiner that runs more than once, and {@code --fade P}
 * fades a share P of the rendered inputs towards their background (default 0). The work folder defaults to {@code
 * /work/walt-train/<stage>-refiner}, {@code -guide} or {@code -caption-refiner}.
 *
 * The model folder ({@code --model-out}, default {@code src/main/resources/models/walt-tiny}) is loaded when
 * it holds a complete model, else initialised from {@code --config} (default {@code walt-tiny}) and {@code
 * --seed}. Trainer state goes to {@code --work} (default {@code /work/walt-train/<stage>}). {@code --export}
 * writes the EMA weights of the trained stage into the model folder as fp16 (for {@code vae}, after
 * measuring the latent statistics with them).
 */
public final class TrainCommand {

  private static final String PATCH_EMBED_WEIGHT = "patchEmbed.proj.weight";
  private static final String OUTPUT_WEIGHT = "finalLayer.proj.weight";
  private static final String OUTPUT_BIAS = "finalLayer.proj.bias";

  /**
   * Probability of replacing a caption by the null embedding in every stage that reads text (base and a
   * captioned SR stage): the unconditional input of classifier-free guidance.
   */
  private static final double TEXT_DROPOUT = 0.1;

  /** Every option that takes a value; any other is refused, so that a misspelt one does not train without it. */
  private static final Set<String> OPTIONS =
      Set.of(
          "stage", "model-out", "work", "steps", "batch", "lr", "seed", "images", "config", "checkpoint-every", "until",
          "ema-decay", "resolutions", "crop", "max-augmentation", "detail-weight", "frame-conditioning", "high-noise",
          "motion-captions", "object-weight", "outline-weight", "latent-pool", "noise-band", "init-from", "init-parts",
          "refiner-pool", "refiner-noise", "refiner-clean", "guide-pool", "guide-robust", "redraw-pool", "redraw-share",
          "redraw-strength", "refiner-redraws", "own-inputs", "fade");

  /** Options that only the base stage reads ({@link #refuseBaseOptions}). */
  private static final List<String> BASE_OPTIONS =
      List.of("images", "frame-conditioning", "high-noise", "motion-captions", "object-weight", "outline-weight",
          "noise-band");

  private TrainCommand() {}

  /** Entry point of {@code java -jar walt.jar train ...}; returns the exit status. */
  public static int run(String[] args) {
    Map<String, String> options = new HashMap<>();
    List<String> flags = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--resume") || a.equals("--export") || a.equals("--decoder-only") || a.equals("--refiner")
          || a.equals("--guide") || a.equals("--caption-refiner")) {
        flags.add(a);
      } else if (a.startsWith("--") && OPTIONS.contains(a.substring(2)) && i + 1 < args.length) {
        options.put(a.substring(2), args[++i]);
      } else {
        System.err.println("unknown argument: " + a);
        return usage();
      }
    }
    String stage = options.get("stage");
    if (stage == null) {
      return usage();
    }
    try {
      for (String part : List.of("decoder-only", "refiner", "guide", "caption-refiner")) { // flags that train's options carry
        if (flags.contains("--" + part)) {
          options.put(part, "true");
        }
      }
      return train(stage, options, flags.contains("--resume"), flags.contains("--export"));
    } catch (IOException | RuntimeException e) {
      System.err.println("train failed: " + e);
      return 1;
    }
  }

  private static int usage() {
    System.err.println(
        "usage: train --stage vae|<stage of the config: base, sr2, ...> [--model-out DIR] [--work DIR] [--steps N]"
            + " [--batch B] [--lr X] [--seed S] [--resume] [--export] [--decoder-only] [--resolutions 32,64,128]"
            + " [--crop N] [--max-augmentation A] [--detail-weight W] [--images N] [--config PRESET]"
            + " [--checkpoint-every N] [--until N] [--ema-decay D] [--frame-conditioning P] [--high-noise P]"
            + " [--motion-captions P] [--object-weight W] [--outline-weight W] [--latent-pool N] [--noise-band FROM-TO]"
            + " [--refiner [--refiner-pool N | --refiner-redraws N [--redraw-strength A-B]] [--refiner-noise S] [--refiner-clean P]]"
            + " [--guide [--guide-pool N] [--guide-robust R]]"
            + " [--caption-refiner [--redraw-pool N [--redraw-share P] [--redraw-strength A-B]] [--own-inputs P] [--fade P]]"
            + " [--init-from DIR [--init-parts P,...]]");
    return 2;
  }

  static int train(String stage, Map<String, String> o, boolean resume, boolean export) throws IOException {
    Path modelDir = Path.of(o.getOrDefault("model-out", "src/main/resources/models/walt-tiny"));
    boolean refinerOnly = o.containsKey("refiner");
    boolean guideOnly = o.containsKey("guide");
    boolean captionRefinerOnly = o.containsKey("caption-refiner");
    Path work = Path.of(o.getOrDefault("work", "/work/walt-train/" + stage
        + (refinerOnly ? "-refiner" : guideOnly ? "-guide" : captionRefinerOnly ? "-caption-refiner" : "")));
    long seed = Long.parseLong(o.getOrDefault("seed", "1"));
    long steps = Long.parseLong(o.getOrDefault("steps", "1000"));
    int batch = Integer.parseInt(o.getOrDefault("batch", stage.equals("vae") ? "2" : "4"));
    double lr = Double.parseDouble(o.getOrDefault("lr", stage.equals("vae") ? "1e-3" : "3e-4"));
    long until = Long.parseLong(o.getOrDefault("until", Long.toString(steps)));
    boolean decoderOnly = o.containsKey("decoder-only");
    if (decoderOnly && !stage.equals("vae")) {
      throw new IllegalArgumentException("--decoder-only is for --stage vae");
    }
    if (refinerOnly && (stage.equals("vae") || decoderOnly)) {
      throw new IllegalArgumentException("--refiner is for a super-resolution stage");
    }
    if ((o.containsKey("refiner-pool") || o.containsKey("refiner-noise") || o.containsKey("refiner-clean")
        || o.containsKey("refiner-redraws")) && !refinerOnly) {
      throw new IllegalArgumentException(
          "--refiner-pool, --refiner-redraws, --refiner-noise and --refiner-clean are for --refiner");
    }
    if (o.containsKey("refiner-pool") && o.containsKey("refiner-redraws")) {
      throw new IllegalArgumentException("--refiner-redraws N sets the pool's size: give it or --refiner-pool");
    }
    if (guideOnly && (refinerOnly || stage.equals("vae") || decoderOnly)) {
      throw new IllegalArgumentException("--guide is for the first stage");
    }
    if ((o.containsKey("guide-pool") || o.containsKey("guide-robust")) && !guideOnly) {
      throw new IllegalArgumentException("--guide-pool and --guide-robust are for --guide");
    }
    if (captionRefinerOnly && (guideOnly || refinerOnly || stage.equals("vae") || decoderOnly)) {
      throw new IllegalArgumentException("--caption-refiner is for the first stage");
    }
    if ((o.containsKey("redraw-pool") || o.containsKey("redraw-share") || o.containsKey("own-inputs")
        || o.containsKey("fade")) && !captionRefinerOnly) {
      throw new IllegalArgumentException(
          "--redraw-pool, --redraw-share, --own-inputs and --fade are for --caption-refiner");
    }
    if (o.containsKey("redraw-share") && !o.containsKey("redraw-pool")) {
      throw new IllegalArgumentException("--redraw-share needs --redraw-pool N");
    }
    if (o.containsKey("redraw-strength") && !o.containsKey("redraw-pool") && !o.containsKey("refiner-redraws")) {
      throw new IllegalArgumentException("--redraw-strength needs --redraw-pool N or --refiner-redraws N");
    }
    if (o.containsKey("resolutions") && !stage.equals("vae")) {
      throw new IllegalArgumentException("--resolutions is for --stage vae");
    }
    if (o.containsKey("noise-band") && Double.parseDouble(o.getOrDefault("high-noise", "0")) <= 0) {
      throw new IllegalArgumentException("--noise-band needs --high-noise P > 0 (the share of timesteps drawn from it)");
    }
    TrainerSettings settings = TrainerSettings.of(steps, lr, seed);
    if (o.containsKey("checkpoint-every")) {
      settings = settings.withCheckpointEvery(Long.parseLong(o.get("checkpoint-every")));
    }
    if (o.containsKey("ema-decay")) {
      settings = settings.withEmaDecay(Double.parseDouble(o.get("ema-decay")));
    }
    String preset = o.getOrDefault("config", "walt-tiny");
    try (WaltModel model =
        o.containsKey("init-from")
            ? warmStart(modelDir, preset, seed, Path.of(o.get("init-from")),
                o.containsKey("init-parts") ? Set.of(o.get("init-parts").split(",")) : null)
            : open(modelDir, preset, seed)) {
      WaltConfig config = model.config();
      TrainingBatches data = new TrainingBatches(seed, Split.TRAIN);
      Objective objective;
      if (stage.equals("vae")) {
        refuseSuperResolutionOptions(o);
        refuseBaseOptions(o);
        if (o.containsKey("latent-pool")) {
          throw new IllegalArgumentException("--latent-pool is for a diffusion stage (the autoencoder encodes as it trains)");
        }
        int crop = Integer.parseInt(o.getOrDefault("crop", "32"));
        int[] resolutions =
            Arrays.stream(o.getOrDefault("resolutions", "32,64,128").split(",")).mapToInt(Integer::parseInt).toArray();
        objective = new VaeObjective(model.vae(), data, batch, resolutions, crop, decoderOnly);
      } else {
        int k = stageIndex(config, stage);
        StageConfig sc = config.stages().get(k);
        if (!sc.superResolution()) {
          if (refinerOnly) {
            throw new IllegalArgumentException("--refiner is for a super-resolution stage");
          }
          refuseSuperResolutionOptions(o);
          if (model.textEncoder() == null) {
            throw new IllegalArgumentException("stage " + stage + " needs a text encoder");
          }
          objective = guideOnly ? guideObjective(o, model, k, data, work, batch)
              : captionRefinerOnly ? captionRefinerObjective(o, model, k, data, work, batch, seed)
              : baseObjective(o, model, k, data, work, batch);
        } else if (guideOnly || captionRefinerOnly) {
          throw new IllegalArgumentException((guideOnly ? "--guide" : "--caption-refiner") + " is for the first stage");
        } else if (refinerOnly) {
          refuseBaseOptions(o);
          refuseSuperResolutionOptions(o);
          if (o.containsKey("latent-pool")) {
            throw new IllegalArgumentException("--latent-pool is for a diffusion stage; the refiner has --refiner-pool");
          }
          InputRefiner refiner = model.refiner(k);
          if (refiner == null) {
            throw new IllegalArgumentException(
                "stage " + stage + " has no refiner in " + modelDir + "'s config.json (add \"refiner\": {\"channels\": 32,"
                    + " \"layers\": 5} to the stage)");
          }
          int size = Integer.parseInt(o.getOrDefault("refiner-pool", o.getOrDefault("refiner-redraws", "300")));
          RedrawPool redraws = o.containsKey("refiner-redraws") ? redrawPool(o, model, data, work, size, seed) : null;
          RefinerObjective.Pool pool =
              RefinerObjective.Pool.open(work.resolve(RefinerObjective.FILE), model, k, data, size, seed,
                  Double.parseDouble(o.getOrDefault("refiner-noise", "0.5")), redraws,
                  poolProgress("refiner pool: clips sampled", size, 25));
          RefinerObjective refining = new RefinerObjective(stage, refiner, pool, batch);
          if (o.containsKey("refiner-clean")) {
            refining.withCleanShare(Double.parseDouble(o.get("refiner-clean")));
          }
          objective = refining;
        } else {
          refuseBaseOptions(o);
          int low = config.stages().get(k - 1).height();
          double aug = Double.parseDouble(o.getOrDefault("max-augmentation", "0.25"));
          SuperResolutionObjective sr =
              new SuperResolutionObjective(stage, model.vae(), model.stages().get(k),
                  sc.transformer().textDim() > 0 ? model.textEncoder() : null, TEXT_DROPOUT, data, batch, sc.height(),
                  low, config.frames(), aug)
                  .withDetailWeight(Double.parseDouble(o.getOrDefault("detail-weight", "0")));
          if (o.containsKey("latent-pool")) {
            int size = Integer.parseInt(o.get("latent-pool"));
            sr.withLatentPool(
                latentPool(work.resolve("latent-pool-" + sc.height() + ".bin"), model, data, size, sc.height(),
                    config.frames()),
                latentPool(work.resolve("latent-pool-" + low + ".bin"), model, data, size, low, config.frames()));
          }
          objective = sr;
        }
        if (isIdentity(model.vae().latentStd())) {
          System.err.println("warning: the autoencoder in " + modelDir + " has no latent statistics (train vae first)");
        }
      }
      try (Trainer trainer = new Trainer(stage, objective, settings, work, model.manager())) {
        if (trainer.hasCheckpoint() && !resume) {
          throw new IllegalStateException(
              work + " holds a checkpoint at step " + trainer.checkpointStep() + ": pass --resume, or remove it");
        }
        if (resume && trainer.hasCheckpoint()) {
          trainer.resume();
          System.out.println("resumed " + stage + " at step " + trainer.currentStep());
        }
        System.out.printf(Locale.ROOT, "%s: %,d parameters, batch %d, lr %.2g, %d steps, seed %d, work %s%n", stage,
            objective.parameters().scalarCount(), batch, lr, steps, seed, work);
        Progress progress = new Progress(System.out, System.console() != null, 10);
        trainer.train(until, progress);
        System.out.printf(Locale.ROOT, "%s: step %d, smoothed loss %.5f%n", stage, trainer.currentStep(),
            trainer.smoothedLoss());
        if (export) {
          trainer.loadEmaIntoParameters();
          if (stage.equals("vae") && !decoderOnly) { // a frozen encoder keeps its latent statistics
            measureLatentStatistics(model, seed);
          }
          if (objective instanceof RefinerObjective refining) {
            double[] error = refining.poolError(model.manager());
            System.out.printf(Locale.ROOT, "refiner on its pool (EMA weights): %.2f dB, bicubic %.2f dB%n",
                10 * Math.log10(4 / error[0]), 10 * Math.log10(4 / error[1]));
          }
          if (objective instanceof GuideObjective guiding) {
            System.out.println(guiding.accuracyReport(model.manager()));
          }
          if (objective instanceof CaptionRefinerObjective refining) {
            System.out.println(refining.report(model.manager()));
          }
          model.save(modelDir, DataType.FLOAT16);
          System.out.println("exported the EMA weights of " + stage + " to " + modelDir);
        }
      }
    }
    return 0;
  }

  /** The latent pool of {@code size} clips in {@code file}, encoded there first if needed (with progress lines). */
  private static LatentPool latentPool(Path file, WaltModel model, TrainingBatches data, int size, int resolution,
      int frames) throws IOException {
    LatentPool pool = LatentPool.open(file, model.vae(), model.manager(), data, size, resolution, frames,
        poolProgress("latent pool: clips encoded", size, 500));
    System.out.printf(Locale.ROOT, "latent pool: %,d clips of %d px in %s%n", pool.size(), resolution, file);
    return pool;
  }

  /** Prints "{@code what} done/size clips, ETA ..." every {@code every} clips and at the last, timed from now. */
  private static java.util.function.IntConsumer poolProgress(String what, int size, int every) {
    long started = System.nanoTime();
    return done -> {
      if (done % every == 0 || done == size) {
        double perClip = (System.nanoTime() - started) / 1e9 / done;
        System.out.printf(Locale.ROOT, "%s %,d/%,d, ETA %s%n", what, done, size,
            Progress.duration(perClip * (size - done)));
      }
    };
  }

  /** The objective of the first stage {@code k}: the denoiser and the text encoder, with the base options. */
  private static Objective baseObjective(Map<String, String> o, WaltModel model, int k, TrainingBatches data,
      Path work, int batch) throws IOException {
    StageConfig sc = model.config().stages().get(k);
    int images = Integer.parseInt(o.getOrDefault("images", Integer.toString(batch)));
    BaseObjective base =
        new BaseObjective(model.vae(), model.textEncoder(), model.stages().get(k), data, batch, images,
            sc.height(), model.config().frames(), TEXT_DROPOUT,
            Double.parseDouble(o.getOrDefault("frame-conditioning", "0.3")), 0.9,
            Double.parseDouble(o.getOrDefault("high-noise", "0")),
            Double.parseDouble(o.getOrDefault("motion-captions", "0")))
            .withObjectWeight(Double.parseDouble(o.getOrDefault("object-weight", "0")))
            .withOutlineWeight(Double.parseDouble(o.getOrDefault("outline-weight", "0")));
    if (o.containsKey("noise-band")) {
      String[] band = range(o, "noise-band", null, "FROM-TO (timesteps)");
      base.withTimestepBand(Integer.parseInt(band[0]), Integer.parseInt(band[1]));
    }
    if (o.containsKey("latent-pool")) {
      base.withLatentPool(
          latentPool(work.resolve(LatentPool.FILE), model, data, Integer.parseInt(o.get("latent-pool")), sc.height(),
              model.config().frames()));
    }
    return base;
  }

  /** The objective of {@code --guide}: stage k's caption guide, from a pool of each scene in every shape. */
  private static Objective guideObjective(Map<String, String> o, WaltModel model, int k, TrainingBatches data,
      Path work, int batch) throws IOException {
    refuseBaseOptions(o);
    if (o.containsKey("latent-pool")) {
      throw new IllegalArgumentException("--latent-pool is for a diffusion stage; the guide has --guide-pool");
    }
    StageConfig sc = model.config().stages().get(k);
    CaptionGuide guide = model.guide(k);
    if (guide == null) {
      throw new IllegalArgumentException("stage " + sc.name() + " has no guide in its config.json (add \"guide\":"
          + " {\"channels\": 64, \"scale\": 1} to the stage)");
    }
    int size = Integer.parseInt(o.getOrDefault("guide-pool", "600"));
    ScenePool pool =
        ScenePool.open(work.resolve(GuideObjective.FILE), model.vae(), model.manager(), data, size,
            sc.height(), model.config().frames(),
            poolProgress("guide pool: clips encoded (each scene in every shape)",
                size * dev.walt.world.Shape.values().length, 150));
    return new GuideObjective(sc.name(), guide, model.textEncoder(), pool, batch)
        .withRobustness(Double.parseDouble(o.getOrDefault("guide-robust", "0")));
  }

  /** The objective of {@code --caption-refiner}: stage k's caption refiner, on frames rendered in every shape. */
  private static Objective captionRefinerObjective(Map<String, String> o, WaltModel model, int k,
      TrainingBatches data, Path work, int batch, long seed) throws IOException {
    refuseBaseOptions(o);
    if (o.containsKey("latent-pool")) {
      throw new IllegalArgumentException("--latent-pool is for a diffusion stage; the caption refiner renders its frames");
    }
    StageConfig sc = model.config().stages().get(k);
    CaptionRefiner refiner = model.captionRefiner(k);
    if (refiner == null) {
      throw new IllegalArgumentException("stage " + sc.name() + " has no caption refiner in its config.json (add"
          + " \"captionRefiner\": {\"channels\": 32, \"layers\": 2, \"passes\": 1} to the stage)");
    }
    CaptionRefinerObjective objective = new CaptionRefinerObjective(sc.name(), refiner, model.textEncoder(), data,
        batch, sc.height(), model.config().frames());
    objective.withOwnInputs(Double.parseDouble(o.getOrDefault("own-inputs", "0")))
        .withFading(Double.parseDouble(o.getOrDefault("fade", "0")));
    if (o.containsKey("redraw-pool")) {
      RedrawPool pool = redrawPool(o, model, data, work, Integer.parseInt(o.get("redraw-pool")), seed);
      objective.withRedrawPool(pool, Double.parseDouble(o.getOrDefault("redraw-share", "0.5")));
    }
    return objective;
  }

  /**
   * Option {@code name} (or {@code fallback} when it is not given) split at its first '-' into its two ends,
   * trimmed; {@code form} names them in the refusal.
   */
  private static String[] range(Map<String, String> o, String name, @Nullable String fallback, String form) {
    String value = fallback == null ? o.get(name) : o.getOrDefault(name, fallback);
    String[] ends = value.split("-", 2);
    if (ends.length != 2) {
      throw new IllegalArgumentException("--" + name + " takes " + form + ", got " + value);
    }
    return new String[] {ends[0].trim(), ends[1].trim()};
  }

  /**
   * The first stage's redraws of {@code size} scenes in the work folder, at the strengths of {@code
   * --redraw-strength}, made if needed.
   */
  private static RedrawPool redrawPool(Map<String, String> o, WaltModel model, TrainingBatches data, Path work,
      int size, long seed) throws IOException {
    String[] strength = range(o, "redraw-strength", "0.5-0.85", "A-B");
    return RedrawPool.open(work.resolve(RedrawPool.FILE), model, data, size, seed,
        Double.parseDouble(strength[0]), Double.parseDouble(strength[1]),
        poolProgress("redraw pool: clips redrawn", size, 20));
  }

  /** Latent statistics of the EMA autoencoder on 16 training clips of the base stage's size. */
  static void measureLatentStatistics(WaltModel model, long seed) {
    WaltConfig config = model.config();
    int resolution = config.base().height();
    TrainingBatches data = new TrainingBatches(seed + 1, Split.TRAIN);
    try (NDManager scope = model.manager().newSubManager()) {
      List<NDArray> videos = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        videos.add(scope.create(data.videos(i, 2, resolution, config.frames()).pixels(),
            new Shape(2, 3, config.frames(), resolution, resolution)));
      }
      Grad.off(() -> {
        model.vae().measureLatentStatistics(videos);
        return null;
      });
    }
    System.out.println("latent mean " + java.util.Arrays.toString(model.vae().latentMean()) + ", std "
        + java.util.Arrays.toString(model.vae().latentStd()));
  }

  private static boolean isIdentity(float[] std) {
    for (float s : std) {
      if (s != 1f) {
        return false;
      }
    }
    return true;
  }

  private static int stageIndex(WaltConfig config, String stage) {
    for (int k = 0; k < config.stages().size(); k++) {
      if (config.stages().get(k).name().equals(stage)) {
        return k;
      }
    }
    throw new IllegalArgumentException("no stage '" + stage + "' in " + config.name());
  }

  /**
   * The model of {@code dir}'s config (or of {@code preset} without one), initialised from {@code seed}, with
   * every parameter that the model in {@code source} has under the same name and shape copied from it (a
   * warm start across a change of architecture: the parameters the source lacks keep their initial values).
   */
  static WaltModel warmStart(Path dir, String preset, long seed, Path source) throws IOException {
    return warmStart(dir, preset, seed, source, null);
  }

  /**
   * {@link #warmStart(Path, String, long, Path)} copying only the named parts ({@code vae}, {@code text}, stage
   * names); null copies every part.
   */
  static WaltModel warmStart(Path dir, String preset, long seed, Path source, @Nullable Set<String> parts)
      throws IOException {
    WaltConfig config =
        Files.isRegularFile(dir.resolve(WaltModel.CONFIG_FILE))
            ? Checkpoints.readConfig(dir, WaltConfig.class)
            : WaltConfig.preset(preset);
    if (parts != null) {
      List<String> known = new ArrayList<>(List.of("vae", "text"));
      config.stages().forEach(st -> known.add(st.name()));
      List<String> unknown = parts.stream().filter(p -> !known.contains(p)).sorted().toList();
      if (!unknown.isEmpty()) {
        throw new IllegalArgumentException(
            "--init-parts names no part of " + config.name() + ": " + unknown + " (parts: " + known + ")");
      }
    }
    WaltModel model = WaltModel.randomInit(config, seed);
    try (WaltModel from = WaltModel.load(source)) {
      if ((from.textEncoder() == null) != (model.textEncoder() == null)
          || (from.textEncoder() != null
              && !from.textEncoder().tokenizer().vocabulary().equals(model.textEncoder().tokenizer().vocabulary()))) {
        throw new IllegalArgumentException(source + " has another text vocabulary than " + config.name());
      }
      List<String> fresh = new ArrayList<>();
      int copied = copyPart("vae", from.vae(), model.vae(), parts, fresh);
      if (model.textEncoder() != null) {
        copied += copyPart("text", from.textEncoder(), model.textEncoder(), parts, fresh);
      }
      List<String> sourceStages = from.config().stages().stream().map(StageConfig::name).toList();
      for (int k = 0; k < config.stages().size(); k++) {
        String name = config.stages().get(k).name();
        int j = sourceStages.indexOf(name);
        WaltTransformer stage = j < 0 ? null : from.stages().get(j);
        copied += copyPart(name, stage, model.stages().get(k), parts, fresh);
        if (stage != null && (parts == null || parts.contains(name))) {
          copied += resizePatches(name, stage, model.stages().get(k), fresh);
        }
        if (model.refiner(k) != null && (parts == null || parts.contains(name))) { // a refiner goes with its stage
          copied += copyPart(name + "-refiner", j < 0 ? null : from.refiner(j), model.refiner(k), null, fresh);
        }
        if (model.guide(k) != null && (parts == null || parts.contains(name))) { // so does a guide
          copied += copyPart(name + "-guide", j < 0 ? null : from.guide(j), model.guide(k), null, fresh);
        }
        if (model.captionRefiner(k) != null && (parts == null || parts.contains(name))) { // and a caption refiner
          copied += copyPart(name + "-caption-refiner", j < 0 ? null : from.captionRefiner(j), model.captionRefiner(k),
              null, fresh);
        }
      }
      System.out.printf(Locale.ROOT, "initialised from %s: %d parameters copied, %d kept their initial values%s%n",
          source, copied, fresh.size(), fresh.isEmpty() ? "" : " " + fresh);
    } catch (IOException | RuntimeException e) {
      model.close();
      throw e;
    }
    return model;
  }

  /**
   * Copies a whole part when {@code parts} names it (null: every part) and the source has it; else records
   * the part as fresh.
   */
  private static int copyPart(String part, @Nullable Block from, Block to, @Nullable Set<String> parts,
      List<String> fresh) {
    if (from == null || (parts != null && !parts.contains(part))) {
      fresh.add(part + " (whole part)");
      return 0;
    }
    return copyMatching(part, from, to, fresh);
  }

  /**
   * When the stage's patch size grew by an integer factor (same token grid on a larger latent), carries the
   * patch embedding and the output projection over with {@link PatchResize} instead of leaving them fresh.
   */
  private static int resizePatches(String stage, WaltTransformer from, WaltTransformer to, List<String> fresh) {
    TransformerConfig a = from.config();
    TransformerConfig b = to.config();
    int p = a.patchSize();
    int q = b.patchSize();
    if (!PatchResize.grows(p, q) || a.inputChannels() != b.inputChannels() || a.latentChannels() != b.latentChannels()
        || a.hiddenSize() != b.hiddenSize()) {
      return 0;
    }
    Map<String, Parameter> source = ParameterNames.of(from);
    Map<String, Parameter> target = ParameterNames.of(to);
    int d = b.hiddenSize();
    int c = b.latentChannels();
    Map<String, float[]> resized = new LinkedHashMap<>();
    resized.put(PATCH_EMBED_WEIGHT,
        PatchResize.embedding(source.get(PATCH_EMBED_WEIGHT).getArray().toFloatArray(), d, a.inputChannels(), p, q));
    resized.put(OUTPUT_WEIGHT, PatchResize.output(source.get(OUTPUT_WEIGHT).getArray().toFloatArray(), c, d, p, q));
    resized.put(OUTPUT_BIAS, PatchResize.output(source.get(OUTPUT_BIAS).getArray().toFloatArray(), c, 1, p, q));
    resized.forEach((key, values) -> target.get(key).getArray().set(values));
    fresh.removeAll(List.of(stage + "/" + PATCH_EMBED_WEIGHT, stage + "/" + OUTPUT_WEIGHT, stage + "/" + OUTPUT_BIAS));
    System.out.printf(Locale.ROOT, "%s: patch size %d -> %d, patch embedding and output projection resized%n", stage,
        p, q);
    return resized.size();
  }

  /** Copies the parameters of {@code from} into those of {@code to} with the same name and shape. */
  private static int copyMatching(String part, Block from, Block to, List<String> fresh) {
    Map<String, Parameter> source = ParameterNames.of(from);
    int copied = 0;
    for (Map.Entry<String, Parameter> entry : ParameterNames.of(to).entrySet()) {
      Parameter match = source.get(entry.getKey());
      NDArray target = entry.getValue().getArray();
      if (match != null && match.getArray().getShape().equals(target.getShape())) {
        target.set(match.getArray().toType(target.getDataType(), true).toByteBuffer());
        copied++;
      } else {
        fresh.add(part + "/" + entry.getKey());
      }
    }
    return copied;
  }

  /** Options that only a super-resolution stage (one whose config says so) reads. */
  private static void refuseSuperResolutionOptions(Map<String, String> o) {
    if (o.containsKey("detail-weight") || o.containsKey("max-augmentation")) {
      throw new IllegalArgumentException("--detail-weight and --max-augmentation are for a super-resolution stage");
    }
  }

  /** Options that only the base stage (the first, text-to-video) reads. */
  private static void refuseBaseOptions(Map<String, String> o) {
    for (String option : BASE_OPTIONS) {
      if (o.containsKey(option)) {
        throw new IllegalArgumentException("--" + option + " is for the base stage");
      }
    }
  }

  /**
   * The model in {@code dir} when complete; a fresh one from its config, or from {@code preset} without one, and
   * {@code seed} when it holds no weights yet. A folder with some of its config's weight files but not all is
   * refused: a part added to a trained model's config would otherwise start every other part afresh too.
   */
  static WaltModel open(Path dir, String preset, long seed) throws IOException {
    if (Files.isRegularFile(dir.resolve(WaltModel.CONFIG_FILE))) {
      WaltConfig config = Checkpoints.readConfig(dir, WaltConfig.class);
      List<String> files = WaltModel.files(config).stream().filter(f -> f.endsWith(".safetensors")).toList();
      List<String> missing = files.stream().filter(f -> !Files.isRegularFile(dir.resolve(f))).toList();
      if (missing.isEmpty()) {
        return WaltModel.load(dir);
      }
      if (missing.size() < files.size()) {
        throw new IllegalArgumentException(dir + " holds some of its model's weights but not " + missing
            + ": to add a part to a trained model, give an empty folder with the new config.json as --model-out and"
            + " the trained model as --init-from");
      }
      return WaltModel.randomInit(config, seed);
    }
    return WaltModel.randomInit(WaltConfig.preset(preset), seed);
  }
}
