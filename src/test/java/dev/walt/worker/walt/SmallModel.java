package dev.walt.worker.walt;

import dev.walt.model.DiffusionConfig;
import dev.walt.model.StageConfig;
import dev.walt.model.TextConfig;
import dev.walt.model.WaltConfig;
import dev.walt.model.checkpoint.Checkpoints;
import dev.walt.model.text.WordTextEncoderConfig;
import dev.walt.model.transformer.TransformerConfig;
import dev.walt.model.transformer.TransformerConfig.QkNorm;
import dev.walt.model.transformer.TransformerConfig.Window;
import dev.walt.model.vae.VaeConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A model folder small enough for CI on two cores: walt-tiny's shape (base 32x32 with text and frame
 * conditioning, 17 frames at 8 fps, continuation to 29) with one 2x super-resolution stage to 64x64,
 * thin transformers and a thin autoencoder. Only config.json: tests run it with random-init.
 */
public final class SmallModel {

  static final int SIZE = 64;
  static final int FPS = 8;

  private SmallModel() {}

  static WaltConfig config() {
    TransformerConfig base = new TransformerConfig(8, 1, 2, 64, 2, 2.0, new Window(1, 8, 8), new Window(5, 4, 4), 2, 32,
        5, 8, 8, true, true, 1, QkNorm.RMS, true);
    TransformerConfig sr1 = new TransformerConfig(8, 1, 1, 32, 2, 2.0, new Window(1, 16, 16), new Window(5, 8, 8), 2, 0,
        5, 16, 16, false, false, 2, QkNorm.RMS, true);
    return new WaltConfig("walt-small-test", FPS, 17, 5, 29, new VaeConfig(8, List.of(1, 2, 2), 8, 4, 4, 1, 4),
        new TextConfig(TextConfig.WORD, 16, new WordTextEncoderConfig(32, 1, 2, 2.0)), DiffusionConfig.paper(),
        List.of(new StageConfig("base", base, 32, 32, 8, 4.0, 0, true),
            new StageConfig("sr1", sr1, SIZE, SIZE, 4, 1.0, 0.1, false)));
  }

  /** A folder holding the config (created once per JVM). */
  public static synchronized Path folder() {
    try {
      if (folder == null) {
        Path dir = Files.createTempDirectory("walt-small-test");
        Checkpoints.writeConfig(dir, config());
        folder = dir;
      }
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path folder;
}
