package dev.walt.model.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.function.BooleanSupplier;

/**
 * A latent-space super-resolution stage (WALT.md section 5): the denoiser samples a high-resolution
 * latent while seeing the low-resolution latent of the previous stage as {@link
 * DenoiserInput#lowRes()} (the denoiser upsamples it itself, by a depth-to-space convolution).
 *
 * <p>Noise-conditioning augmentation (Ho et al. 2022, "Cascaded Diffusion Models", section 4.1): the
 * low-resolution latent is noised to level {@code noiseLevel} in [0, 1] with the schedule ({@link
 * NoiseSchedule#augment}) and the level is given to the denoiser as {@link
 * DenoiserInput#noiseLevel()}, so at sampling time the stage is robust to the previous stage's
 * artefacts, exactly as it was trained with random levels.
 */
public final class SuperResolutionStage {

  private final DdimSampler sampler;

  public SuperResolutionStage(DdimSampler sampler) {
    this.sampler = sampler;
  }

  /**
   * Samples a high-resolution latent.
   *
   * @param manager owner of the result
   * @param lowRes the previous stage's latent (B, C, T, h, w)
   * @param shape the latent to sample (B, C', T, h * r, w * r)
   * @param noiseLevel augmentation level in [0, 1]
   * @param conditioning text and known frames (its low-resolution fields are replaced)
   * @param seed seeds the augmentation noise and the sampler
   * @return (B, C', T, h * r, w * r) in {@code manager}
   */
  public NDArray sample(
      NDManager manager,
      Denoiser denoiser,
      NDArray lowRes,
      Shape shape,
      double noiseLevel,
      Conditioning conditioning,
      SamplerSettings settings,
      long seed,
      SamplingListener listener,
      BooleanSupplier cancelled) {
    Shape low = lowRes.getShape();
    if (low.dimension() != 5
        || shape.dimension() != 5
        || low.get(0) != shape.get(0)
        || low.get(2) != shape.get(2)
        || shape.get(3) % low.get(3) != 0
        || shape.get(4) % low.get(4) != 0) {
      throw new IllegalArgumentException(
          "super-resolution needs a low-resolution latent (B, C, T, h, w) dividing " + shape + ", got " + low);
    }
    GaussianNoise noise = new GaussianNoise(seed);
    long samplerSeed = noise.nextSeed();
    try (NDManager scope = manager.newSubManager()) {
      lowRes.tempAttach(scope);
      NDArray eps = noise.next(scope, low);
      NDArray augmented = sampler.schedule().augment(lowRes, eps, noiseLevel);
      NDArray level = scope.full(new Shape(low.get(0)), (float) noiseLevel);
      return sampler.sample(
          manager,
          denoiser,
          shape,
          conditioning.withLowRes(augmented, level),
          settings,
          samplerSeed,
          listener,
          cancelled);
    }
  }
}
