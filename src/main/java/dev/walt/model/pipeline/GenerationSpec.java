package dev.walt.model.pipeline;

import java.awt.image.BufferedImage;
import org.jspecify.annotations.Nullable;

/**
 * What to generate.
 *
 * @param prompt the text the video should show
 * @param negativePrompt when given, the unconditional branch of classifier-free guidance is conditioned
 *     on it instead of the learned null text, so guidance steers away from it
 * @param image optional first frame (image-to-video), any size: resized and centre-cropped to the base
 *     stage's size, then encoded as the first known latent frame (see {@link WaltPipeline})
 * @param frames video length: the model's segment length (17) or longer by continuation, {@code 17 + k
 *     * 12} up to the model's maximum (see {@link ModelLimits#frames()})
 * @param seed the same seed and parameters give the same video on the same kind of device
 * @param steps DDIM steps of the base stage; null: the model's default
 * @param guidance guidance scale of the base stage; null: the model's default
 */
public record GenerationSpec(
    String prompt,
    @Nullable String negativePrompt,
    @Nullable BufferedImage image,
    int frames,
    long seed,
    @Nullable Integer steps,
    @Nullable Double guidance) {

  /** A text-to-video spec with the model's defaults. */
  public static GenerationSpec text(String prompt, int frames, long seed) {
    return new GenerationSpec(prompt, null, null, frames, seed, null, null);
  }

  public GenerationSpec withImage(@Nullable BufferedImage image) {
    return new GenerationSpec(prompt, negativePrompt, image, frames, seed, steps, guidance);
  }

  public GenerationSpec withSteps(@Nullable Integer steps) {
    return new GenerationSpec(prompt, negativePrompt, image, frames, seed, steps, guidance);
  }

  public GenerationSpec withGuidance(@Nullable Double guidance) {
    return new GenerationSpec(prompt, negativePrompt, image, frames, seed, steps, guidance);
  }

  public GenerationSpec withNegativePrompt(@Nullable String negativePrompt) {
    return new GenerationSpec(prompt, negativePrompt, image, frames, seed, steps, guidance);
  }
}
