package dev.walt.model;

import dev.walt.model.text.WordTextEncoderConfig;
import dev.walt.model.transformer.TransformerConfig;
import dev.walt.model.transformer.TransformerConfig.QkNorm;
import dev.walt.model.transformer.TransformerConfig.Window;
import dev.walt.model.vae.VaeConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Everything that defines a W.A.L.T model: the {@code config.json} of a model folder (see {@link
 * WaltModel} for the folder layout). Plain data; sizes of named models are factory presets ({@link
 * #tiny()}, {@link #paper()} ...), like DiT's {@code DiT_models}.
 *
 * <p>One fully convolutional autoencoder serves every stage (it is resolution independent), so a
 * stage's latent passes to the next stage unchanged. Stage 0 generates from text (and optionally known
 * frames); every later stage is a latent super-resolution stage whose {@code superResolutionFactor}
 * is the ratio of its size to the previous stage's.
 *
 * @param name model name, e.g. {@code walt-tiny}
 * @param fps frame rate of the generated videos
 * @param frames frames of one generated segment (17: 5 latent frames)
 * @param overlapFrames frames of a segment re-encoded as the known frames of the next one when a video
 *     is extended by continuation (paper: 5 frames, 2 latent frames)
 * @param maxFrames longest video: {@code frames + k * (frames - overlapFrames)}
 * @param vae the autoencoder shared by all stages
 * @param text the text encoder; null when no stage takes text
 * @param diffusion noise schedule and sampler defaults, shared by all stages
 * @param stages base stage first, then the super-resolution stages in order
 */
public record WaltConfig(
    String name,
    int fps,
    int frames,
    int overlapFrames,
    int maxFrames,
    VaeConfig vae,
    @Nullable TextConfig text,
    DiffusionConfig diffusion,
    List<StageConfig> stages) {

  public WaltConfig {
    require(name != null && !name.isBlank(), "name is required");
    require(vae != null && diffusion != null && stages != null, "vae, diffusion and stages are required");
    stages = List.copyOf(stages);
    require(fps >= 1 && fps <= 240, "fps must be in 1..240, got " + fps);
    require(!stages.isEmpty(), "a model needs at least one stage");
    vae.latentFrames(frames); // validates 1 + k * temporalFactor
    require(overlapFrames >= 1 && overlapFrames < frames, "overlapFrames must be in 1.." + (frames - 1));
    vae.latentFrames(overlapFrames);
    require(
        maxFrames >= frames && (maxFrames - frames) % (frames - overlapFrames) == 0,
        "maxFrames must be frames + k * (frames - overlapFrames) = " + frames + " + k * " + (frames - overlapFrames)
            + ", got " + maxFrames);
    Set<String> names = new HashSet<>();
    int latentFrames = vae.latentFrames(frames);
    int s = vae.spatialFactor();
    for (int k = 0; k < stages.size(); k++) {
      StageConfig stage = stages.get(k);
      TransformerConfig t = stage.transformer();
      String where = "stage " + stage.name() + ": ";
      require(names.add(stage.name()), "stage name '" + stage.name() + "' is used twice");
      for (String file : stage.partWeightFiles()) {
        require(stages.stream().noneMatch(o -> o.weightsFile().equals(file)),
            where + "another stage's weight file is " + file + ", one of this stage's parts'");
      }
      require(stage.height() % s == 0 && stage.width() % s == 0,
          where + stage.height() + "x" + stage.width() + " is not a multiple of the VAE's factor " + s);
      require(t.latentChannels() == vae.latentChannels(),
          where + "transformer latentChannels " + t.latentChannels() + " != VAE latent channels " + vae.latentChannels());
      int h = stage.height() / s;
      int w = stage.width() / s;
      int p = t.patchSize();
      require(h % p == 0 && w % p == 0, where + "latent " + h + "x" + w + " is not divisible by patch " + p);
      require(h <= t.maxLatentHeight() && w <= t.maxLatentWidth() && latentFrames <= t.maxLatentFrames(),
          where + "latent " + latentFrames + "x" + h + "x" + w + " exceeds the transformer's position tables "
              + t.maxLatentFrames() + "x" + t.maxLatentHeight() + "x" + t.maxLatentWidth());
      t.spatialWindow().fit(latentFrames, h / p, w / p);
      t.spatiotemporalWindow().fit(latentFrames, h / p, w / p);
      if (k == 0) {
        require(!t.superResolution(), where + "the first stage cannot be a super-resolution stage");
      } else {
        StageConfig previous = stages.get(k - 1);
        int factor = t.superResolutionFactor();
        require(stage.height() == previous.height() * factor && stage.width() == previous.width() * factor,
            where + "super-resolution factor " + factor + " does not map " + previous.height() + "x"
                + previous.width() + " to " + stage.height() + "x" + stage.width());
        require(factor > 1, where + "a later stage must be a super-resolution stage");
      }
      if (stage.text()) {
        require(text != null, where + "takes text but the model has no text encoder");
        require(t.textDim() == text.dim(),
            where + "transformer textDim " + t.textDim() + " != text encoder width " + text.dim());
      }
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /** The first (base) stage. */
  public StageConfig base() {
    return stages.get(0);
  }

  /** The last stage: the size of the output. */
  public StageConfig last() {
    return stages.get(stages.size() - 1);
  }

  /** Whether any stage is conditioned on text. */
  public boolean takesText() {
    return stages.stream().anyMatch(StageConfig::text);
  }

  /** Frames added by each continuation segment: {@code frames - overlapFrames}. */
  public int framesPerContinuation() {
    return frames - overlapFrames;
  }

  /** Every supported video length: {@code frames}, {@code frames + (frames - overlap)}, ... up to {@code maxFrames}. */
  public List<Integer> supportedFrames() {
    List<Integer> out = new ArrayList<>();
    for (int f = frames; f <= maxFrames; f += framesPerContinuation()) {
      out.add(f);
    }
    return out;
  }

  /** Segments needed for {@code totalFrames}, or an exception naming the supported lengths. */
  public int segments(int totalFrames) {
    if (!supportedFrames().contains(totalFrames)) {
      throw new IllegalArgumentException(
          "frames must be one of " + supportedFrames() + " for " + name + ", got " + totalFrames);
    }
    return 1 + (totalFrames - frames) / framesPerContinuation();
  }

  // ---------------------------------------------------------------------------------------------
  // Named presets

  private static final Map<String, Supplier<WaltConfig>> PRESETS = new LinkedHashMap<>();

  static {
    PRESETS.put("walt-tiny", WaltConfig::tiny);
    PRESETS.put("walt-paper-base", WaltConfig::paperBase);
    PRESETS.put("walt-paper", WaltConfig::paper);
    PRESETS.put("walt-l", WaltConfig::paperL);
    PRESETS.put("walt-xl", WaltConfig::paperXl);
  }

  /** Names of the presets in a stable order. */
  public static Set<String> presetNames() {
    return Collections.unmodifiableSet(PRESETS.keySet());
  }

  /** A preset by name ({@link #presetNames()}). */
  public static WaltConfig preset(String name) {
    Supplier<WaltConfig> preset = PRESETS.get(name);
    if (preset == null) {
      throw new IllegalArgumentException("unknown model preset '" + name + "', known: " + PRESETS.keySet());
    }
    return preset.get();
  }

  /**
   * walt-tiny (WALT.md section 7, the "shrink" option): 17 frames at 8 fps, one autoencoder with 4x
   * space / 4x time compression and c = 8 (base 32 channels, multipliers 1, 2, 2).
   *
   * <ul>
   *   <li>base 64 x 64: latent 5 x 16 x 16 (patch 2: 5 x 8 x 8 = 320 tokens), windows 1x8x8 and 5x4x4 (in
   *       tokens), 8 blocks of width 192 with 4 heads, text (word encoder width 128, 16 tokens) through
   *       cross-attention, the pooled caption in the blocks' modulation and 4 layout maps read from the
   *       caption ({@link dev.walt.model.transformer.TextLayout}), self-conditioning and frame conditioning;
   *       32 DDIM steps, guidance 4;
   *   <li>sr2 to 128 x 128: latent 5 x 32 x 32 (patch 2: 1,280 tokens), windows 1x16x16 and 5x8x8 (in
   *       tokens), 4 blocks of width 128 with 4 heads; 12 steps, noise augmentation 0.1.
   * </ul>
   *
   * The base draws at 64 x 64 because a 32 x 32 latent (8 x 8) does not hold an 8 px object's outline; its
   * token grid is the one a 32 x 32 base has with patch 1, so the cascade costs what the earlier base at 32 x
   * 32 did, without the 32 -> 64 stage that followed it. The SR stage keeps the name of the 64 -> 128 stage of
   * the earlier three-stage cascade (its weights are that stage's). It takes no text: at 64 x 64 colour,
   * shape, background and motion are all visible in its input; it has neither self-conditioning nor frame
   * conditioning (continuation still pins its known frames in the sampler's x0 estimate). Videos extend by
   * continuation up to 65 frames.
   */
  public static WaltConfig tiny() {
    TransformerConfig base =
        new TransformerConfig(8, 2, 8, 192, 4, 4.0, w(1, 8, 8), w(5, 4, 4), 2, 128, 5, 16, 16, true, true, 1, QkNorm.RMS,
            true).withPooledText(true).withTextLayout(4);
    TransformerConfig sr2 =
        new TransformerConfig(8, 2, 4, 128, 4, 4.0, w(1, 16, 16), w(5, 8, 8), 2, 0, 5, 32, 32, false, false, 2,
            QkNorm.RMS, true);
    return new WaltConfig(
        "walt-tiny", 8, 17, 5, 65, VaeConfig.tiny(),
        new TextConfig(TextConfig.WORD, 16, WordTextEncoderConfig.tiny()),
        DiffusionConfig.paper(),
        List.of(
            new StageConfig("base", base, 64, 64, 32, 4.0, 0, true, null, null, new CaptionRefinerConfig(32, 2, 2)),
            new StageConfig("sr2", sr2, 128, 128, 12, 1.0, 0.1, false, new RefinerConfig(32, 5))));
  }

  /**
   * The paper's text-to-video base stage alone (WALT.md section 5): 17 x 128 x 224, the paper's
   * autoencoder (8x space, 4x time, c = 8), the 3B transformer ({@code walt-3b}), 50 DDIM steps. Random
   * weights only, for benchmarks. The paper's text encoder is T5-XL (width 2048); it stands in here as a
   * word encoder of the same width without layers, so the transformer sees tokens of the right width.
   */
  public static WaltConfig paperBase() {
    return paper("walt-paper-base", 1);
  }

  /** The paper's whole text-to-video cascade: base 128 x 224, SR 1 to 256 x 448, SR 2 to 512 x 896. */
  public static WaltConfig paper() {
    return paper("walt-paper", 3);
  }

  private static WaltConfig paper(String name, int stageCount) {
    // The paper gives neither the guidance scale nor the sampling-time augmentation level.
    List<StageConfig> stages =
        List.of(
            new StageConfig("base", TransformerConfig.preset("walt-3b"), 128, 224, 50, 4.0, 0, true),
            new StageConfig("sr1", TransformerConfig.preset("walt-sr1"), 256, 448, 50, 1.0, 0.1, true),
            new StageConfig("sr2", TransformerConfig.preset("walt-sr2"), 512, 896, 50, 1.0, 0.1, true));
    return new WaltConfig(
        name, 8, 17, 5, 17, VaeConfig.paper(),
        new TextConfig(TextConfig.WORD, 64, new WordTextEncoderConfig(2048, 0, 16, 4.0)),
        DiffusionConfig.paper(), stages.subList(0, stageCount));
  }

  /** The paper's L model (24 / 1024 / 16) at 17 x 128 x 128, without text (class-conditional in the paper). */
  public static WaltConfig paperL() {
    return unconditional("walt-l");
  }

  /** The paper's XL model (28 / 1152 / 16) at 17 x 128 x 128, without text. */
  public static WaltConfig paperXl() {
    return unconditional("walt-xl");
  }

  private static WaltConfig unconditional(String preset) {
    return new WaltConfig(
        preset, 8, 17, 5, 17, VaeConfig.paper(), null, DiffusionConfig.paper(),
        List.of(new StageConfig("base", TransformerConfig.preset(preset), 128, 128, 50, 1.0, 0, false)));
  }

  private static Window w(int t, int h, int w) {
    return new Window(t, h, w);
  }
}
