package dev.walt.model;

import dev.walt.model.text.WordTextEncoderConfig;
import dev.walt.model.transformer.TransformerConfig;
import dev.walt.model.transformer.TransformerConfig.QkNorm;
import dev.walt.model.transformer.TransformerConfig.Window;
import dev.walt.model.vae.VaeConfig;
import java.util.List;

/** Small model configurations for fast tests. */
public final class TestModels {

  private TestModels() {}

  /**
   * walt-tiny's structure at a fraction of its size, so a whole generation takes well under a second:
   * 9-frame segments (3 latent frames, continuation by 4 frames up to 13) at 8 fps, a 2x space / 4x time
   * VAE with c = 4; base 8 x 8 (latent 3 x 4 x 4) with text, frame conditioning and self-conditioning;
   * sr1 to 16 x 16 (latent 3 x 8 x 8) without text; 2 sampling steps per stage.
   */
  public static WaltConfig small() {
    VaeConfig vae = new VaeConfig(4, List.of(1, 1, 1), 4, 2, 4, 0, 2);
    TransformerConfig base =
        new TransformerConfig(4, 1, 2, 32, 2, 2.0, new Window(1, 4, 4), new Window(3, 2, 2), 2, 16, 3, 4, 4, true, true,
            1, QkNorm.RMS, true);
    TransformerConfig sr =
        new TransformerConfig(4, 1, 2, 32, 2, 2.0, new Window(1, 8, 8), new Window(3, 4, 4), 2, 0, 3, 8, 8, false, false,
            2, QkNorm.RMS, true);
    return new WaltConfig(
        "walt-test", 8, 9, 5, 13, vae, new TextConfig(TextConfig.WORD, 8, new WordTextEncoderConfig(16, 1, 2, 2.0)),
        DiffusionConfig.paper(),
        List.of(
            new StageConfig("base", base, 8, 8, 2, 3.0, 0, true),
            new StageConfig("sr1", sr, 16, 16, 2, 1.0, 0.1, false)));
  }

  /** {@code config} with the pooled-text path in its base stage. */
  public static WaltConfig withPooledBase(WaltConfig config) {
    return withBase(config, t -> t.withPooledText(true));
  }

  /**
   * {@code config} with its first super-resolution stage taking text: cross-attention to the caption (the text
   * encoder's width) and the pooled caption in its conditioning.
   */
  public static WaltConfig withTextSuperResolution(WaltConfig config) {
    return withStage(config, 1, t -> t.withTextDim(config.text().word().dim()).withPooledText(true), true);
  }

  /** {@code config} with a refiner of {@code channels} x {@code layers} on stage {@code k} (a super-resolution stage). */
  public static WaltConfig withRefiner(WaltConfig config, int k, int channels, int layers) {
    List<StageConfig> stages = new java.util.ArrayList<>(config.stages());
    stages.set(k, stages.get(k).withRefiner(new RefinerConfig(channels, layers)));
    return new WaltConfig(config.name(), config.fps(), config.frames(), config.overlapFrames(), config.maxFrames(),
        config.vae(), config.text(), config.diffusion(), stages);
  }

  /** {@code config} with a caption guide of {@code channels} and {@code scale} on its base stage. */
  public static WaltConfig withGuide(WaltConfig config, int channels, double scale) {
    List<StageConfig> stages = new java.util.ArrayList<>(config.stages());
    stages.set(0, stages.get(0).withGuide(new GuideConfig(channels, scale)));
    return new WaltConfig(config.name(), config.fps(), config.frames(), config.overlapFrames(), config.maxFrames(),
        config.vae(), config.text(), config.diffusion(), stages);
  }

  /** {@code config} with a caption refiner of {@code channels} x {@code layers} (one pass) on its base stage. */
  public static WaltConfig withCaptionRefiner(WaltConfig config, int channels, int layers) {
    List<StageConfig> stages = new java.util.ArrayList<>(config.stages());
    stages.set(0, stages.get(0).withCaptionRefiner(new dev.walt.model.CaptionRefinerConfig(channels, layers, 1)));
    return new WaltConfig(config.name(), config.fps(), config.frames(), config.overlapFrames(), config.maxFrames(),
        config.vae(), config.text(), config.diffusion(), stages);
  }

  /** {@code config} with its base stage's transformer changed by {@code change}. */
  public static WaltConfig withBase(
      WaltConfig config, java.util.function.UnaryOperator<dev.walt.model.transformer.TransformerConfig> change) {
    return withStage(config, 0, change, config.base().text());
  }

  /** {@code config} with stage {@code k}'s transformer changed by {@code change}, taking text or not. */
  private static WaltConfig withStage(
      WaltConfig config, int k, java.util.function.UnaryOperator<dev.walt.model.transformer.TransformerConfig> change,
      boolean text) {
    List<StageConfig> stages = new java.util.ArrayList<>(config.stages());
    StageConfig s = stages.get(k);
    stages.set(k, new StageConfig(s.name(), change.apply(s.transformer()), s.height(), s.width(), s.steps(),
        s.guidance(), s.noiseAugmentation(), text));
    return new WaltConfig(config.name(), config.fps(), config.frames(), config.overlapFrames(), config.maxFrames(),
        config.vae(), config.text(), config.diffusion(), stages);
  }
}
