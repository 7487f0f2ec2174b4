package dev.walt.worker.walt;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The video model of this instance ({@code walt.model.*}).
 *
 * @param path the model folder ({@code config.json} plus weights), on the file system or as {@code
 *     classpath:<folder>/}; default: the bundled {@code classpath:models/walt-tiny/}
 * @param device where workers run: {@code auto} (one worker per CUDA GPU when DJL sees any, else CPU
 *     workers), {@code cpu} or {@code cuda}; default {@code auto}
 * @param randomInit developer and test switch: when true, the weights are NOT read but drawn at random
 *     from {@code random-seed} (the videos are noise shaped by the configuration); a loud warning is
 *     logged. Default {@code false}: a model without weights is an error and readiness stays DOWN
 * @param randomSeed the seed of {@code random-init}; default {@code 42}
 * @param warmupSteps base-stage sampling steps of the warm-up generation each worker runs before it
 *     reports ready; default {@code 1}
 */
@ConfigurationProperties("walt.model")
@Validated
public record ModelSettings(
    @Nullable String path,
    @DefaultValue("auto") DeviceChoice device,
    @DefaultValue("false") boolean randomInit,
    @DefaultValue("42") long randomSeed,
    @DefaultValue("1") int warmupSteps) {

  /** The bundled default model. */
  public static final String BUNDLED = "classpath:models/walt-tiny/";

  /** The configured location, or the bundled model. */
  public String location() {
    return path == null || path.isBlank() ? BUNDLED : path;
  }

  /** Where workers may run. */
  public enum DeviceChoice {
    AUTO,
    CPU,
    CUDA
  }
}
