package dev.walt.model.diffusion;

import dev.walt.model.vae.InputRefiner;
import dev.walt.model.vae.VideoAutoencoder;
import org.jspecify.annotations.Nullable;

/**
 * One stage of a {@link Cascade}: its denoiser, its autoencoder and the pixel size it produces.
 *
 * @param name for progress reports ("base", "sr1", "sr2")
 * @param denoiser the stage's v-predicting network
 * @param vae the stage's autoencoder; stages may share one instance (a fully convolutional VAE works
 *     at any resolution), which lets a latent pass to the next stage unchanged
 * @param height output pixel height, a multiple of the VAE's spatial factor
 * @param width output pixel width, a multiple of the VAE's spatial factor
 * @param sampler steps, eta, guidance and self-conditioning of the stage
 * @param noiseAugmentation noise-conditioning augmentation level in [0, 1] of the low-resolution
 *     latent (super-resolution stages only; ignored by the first stage)
 * @param refiner corrects the decoded output towards the previous stage's decoded video (super-resolution
 *     stages only), or null
 * @param guide steers the first stage's sampling towards the caption (classifier guidance), or null
 * @param captionRefiner redraws the first stage's decoded sample towards the caption (which is then encoded
 *     again), or null
 */
public record CascadeStage(
    String name,
    Denoiser denoiser,
    VideoAutoencoder vae,
    int height,
    int width,
    SamplerSettings sampler,
    double noiseAugmentation,
    @Nullable InputRefiner refiner,
    @Nullable LatentGuide guide,
    @Nullable FrameRefiner captionRefiner) {

  public CascadeStage {
    int s = vae.config().spatialFactor();
    if (height <= 0 || width <= 0 || height % s != 0 || width % s != 0) {
      throw new IllegalArgumentException(
          "stage " + name + ": " + height + "x" + width + " is not a multiple of the VAE's factor " + s);
    }
    if (!(noiseAugmentation >= 0 && noiseAugmentation <= 1)) {
      throw new IllegalArgumentException("stage " + name + ": noise augmentation must be in [0, 1]");
    }
  }

  /** A stage without a caption refiner. */
  public CascadeStage(
      String name, Denoiser denoiser, VideoAutoencoder vae, int height, int width, SamplerSettings sampler,
      double noiseAugmentation, @Nullable InputRefiner refiner, @Nullable LatentGuide guide) {
    this(name, denoiser, vae, height, width, sampler, noiseAugmentation, refiner, guide, null);
  }

  /** A stage without a guide. */
  public CascadeStage(
      String name, Denoiser denoiser, VideoAutoencoder vae, int height, int width, SamplerSettings sampler,
      double noiseAugmentation, @Nullable InputRefiner refiner) {
    this(name, denoiser, vae, height, width, sampler, noiseAugmentation, refiner, null, null);
  }

  /** A stage without a refiner or a guide. */
  public CascadeStage(
      String name, Denoiser denoiser, VideoAutoencoder vae, int height, int width, SamplerSettings sampler,
      double noiseAugmentation) {
    this(name, denoiser, vae, height, width, sampler, noiseAugmentation, null, null, null);
  }
}
