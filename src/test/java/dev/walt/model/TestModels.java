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
   * walt-tiny's geometry (17 frames at 8 fps, 4x / 4x VAE, c = 4) at a fraction of its width: base 16 x 16
   * (latent 5 x 4 x 4) with text, sr1 to 32 x 32; 2 sampling steps per stage.
   */
  public static WaltConfig small() {
    VaeConfig vae = new VaeConfig(8, List.of(1, 1, 1), 4, 4, 4, 0, 2);
    TransformerConfig base =
        new TransformerConfig(4, 1, 2, 32, 2, 2.0, new Window(1, 4, 4), new Window(5, 2, 2), 2, 16, 5, 4, 4, true, true,
            1, QkNorm.RMS, true);
    TransformerConfig sr =
        new TransformerConfig(4, 1, 2, 32, 2, 2.0, new Window(1, 8, 8), new Window(5, 4, 4), 2, 0, 5, 8, 8, false, false,
            2, QkNorm.RMS, true);
    return new WaltConfig(
        "walt-test", 8, 17, 5, 29, vae, new TextConfig(TextConfig.WORD, 8, new WordTextEncoderConfig(16, 1, 2, 2.0)),
        DiffusionConfig.paper(),
        List.of(
            new StageConfig("base", base, 16, 16, 2, 3.0, 0, true),
            new StageConfig("sr1", sr, 32, 32, 2, 1.0, 0.1, false)));
  }
}
