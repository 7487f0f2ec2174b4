package dev.walt.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.walt.model.diffusion.GaussianNoise;
import dev.walt.model.diffusion.NoiseSchedule;
import dev.walt.model.transformer.WaltTransformer;
import dev.walt.model.vae.CausalVae;
import dev.walt.world.TrainingBatches;
import java.util.SplittableRandom;

/**
 * A super-resolution stage: v-prediction on the latent of clips at {@code resolution}, conditioned on the
 * latent of the same clips at {@code lowResolution} (both from the frozen autoencoder), the low-resolution
 * latent noised to a random augmentation level in [0, maxAugmentation] per sample, which the model also sees
 * (noise-conditioning augmentation, Ho et al. 2022).
 */
public final class SuperResolutionObjective implements Objective {

  private final CausalVae vae;
  private final WaltTransformer model;
  private final TrainingBatches data;
  private final int batch;
  private final int resolution;
  private final int lowResolution;
  private final int frames;
  private final double maxAugmentation;
  private final NoiseSchedule schedule = NoiseSchedule.walt();
  private final DiffusionLoss diffusion;
  private final NamedParameters parameters;

  public SuperResolutionObjective(
      String name, CausalVae vae, WaltTransformer model, TrainingBatches data, int batch, int resolution,
      int lowResolution, int frames, double maxAugmentation) {
    this.vae = vae;
    this.model = model;
    this.data = data;
    this.batch = batch;
    this.resolution = resolution;
    this.lowResolution = lowResolution;
    this.frames = frames;
    this.maxAugmentation = maxAugmentation;
    this.diffusion = new DiffusionLoss(schedule, 0.9);
    this.parameters = new NamedParameters().add(name, model);
  }

  @Override
  public NamedParameters parameters() {
    return parameters;
  }

  @Override
  public NDArray loss(NDManager scope, long step, SplittableRandom random) {
    NDArray high =
        DiffusionLoss.encodeFrozen(
            vae, scope, data.videos(step, batch, resolution, frames).pixels(),
            new Shape(batch, 3, frames, resolution, resolution));
    NDArray low =
        DiffusionLoss.encodeFrozen(
            vae, scope, data.videos(step, batch, lowResolution, frames).pixels(),
            new Shape(batch, 3, frames, lowResolution, lowResolution));
    float[] levels = new float[batch];
    for (int i = 0; i < batch; i++) {
      // levels are quantised to the schedule's steps, as augment does
      levels[i] = (float) (Math.round(random.nextDouble() * maxAugmentation * schedule.steps()) / (double) schedule.steps());
    }
    NDArray levelArray = scope.create(levels);
    NDArray eps = new GaussianNoise(random.nextLong()).next(scope, low.getShape());
    NDArray augmented = schedule.augment(low, eps, levelArray);
    return diffusion.loss(
        model, scope, high,
        new DiffusionLoss.Conditions(null, null, null, null, augmented, levelArray, null), random);
  }
}
