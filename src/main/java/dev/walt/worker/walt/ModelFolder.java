package dev.walt.worker.walt;

import dev.walt.model.WaltConfig;
import dev.walt.model.WaltModel;
import dev.walt.model.checkpoint.CheckpointException;
import dev.walt.model.checkpoint.Checkpoints;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;

/**
 * The configured model folder as seen without loading it: its {@code config.json} (all the API needs
 * to validate requests, so an API-only instance reads no weights) and which weight files are missing.
 */
public final class ModelFolder {

  private final String location;
  private final WaltConfig config;
  private final List<String> missing;

  private ModelFolder(String location, WaltConfig config, List<String> missing) {
    this.location = location;
    this.config = config;
    this.missing = List.copyOf(missing);
  }

  /**
   * Reads the folder's config and checks that its weight files exist.
   *
   * @throws UncheckedIOException (a {@link CheckpointException}) when config.json is missing or invalid
   */
  public static ModelFolder open(String location) {
    try {
      WaltConfig config;
      List<String> missing = new ArrayList<>();
      if (location.startsWith("classpath:")) {
        String prefix = location.substring("classpath:".length());
        prefix = prefix.startsWith("/") ? prefix.substring(1) : prefix;
        prefix = prefix.endsWith("/") ? prefix : prefix + "/";
        ClassLoader loader = ModelFolder.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(prefix + Checkpoints.CONFIG_FILE)) {
          if (in == null) {
            throw new CheckpointException(Checkpoints.CONFIG_FILE, "file not found in " + location);
          }
          config = Checkpoints.json().readValue(in, WaltConfig.class);
        } catch (JacksonException | IllegalArgumentException e) {
          throw new CheckpointException(Checkpoints.CONFIG_FILE, "invalid config in " + location + ": " + e.getMessage(), e);
        }
        for (String file : WaltModel.files(config)) {
          if (loader.getResource(prefix + file) == null) {
            missing.add(file);
          }
        }
      } else {
        Path dir = Path.of(location);
        config = Checkpoints.readConfig(dir, WaltConfig.class);
        for (String file : WaltModel.files(config)) {
          if (!Files.isRegularFile(dir.resolve(file))) {
            missing.add(file);
          }
        }
      }
      return new ModelFolder(location, config, missing);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String location() {
    return location;
  }

  public WaltConfig config() {
    return config;
  }

  /** Weight files the config names that the folder lacks (empty: the model can be loaded). */
  public List<String> missingWeights() {
    return missing;
  }

  public boolean hasWeights() {
    return missing.isEmpty();
  }
}
