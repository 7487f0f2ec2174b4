package dev.walt.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.walt.model.diffusion.GaussianNoise;
import dev.walt.model.diffusion.NoiseSchedule;
import dev.walt.model.text.WordTextEncoder;
import dev.walt.model.transformer.WaltTransformer;
import dev.walt.model.vae.CausalVae;
import dev.walt.world.Batch;
import dev.walt.world.TrainingBatches;
import java.util.List;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * A super-resolution stage: v-prediction on the latent of clips at {@code resolution}, conditioned on the
 * latent of the same clips at {@code lowResolution} (both from the frozen autoencoder), the low-resolution
 * latent noised to a random augmentation level in [0, maxAugmentation] per sample, which the model also sees
 * (noise-conditioning augmentation, Ho et al. 2022).
 *
 * <p>A stage that takes text (textDim &gt; 0) also sees the clips' captions, encoded by the model's text
 * encoder, which stays frozen (it is the base stage's, trained with it), each dropped to the null embedding
 * with probability {@code textDropout} (classifier-free guidance). With a high augmentation level the
 * low-resolution input keeps where the object is but no longer its outline, so the stage learns to take the
 * shape from the words, as the paper's caption-conditioned super-resolution stages do.
 */
public final class SuperResolutionObjective implements Objective {

  private final CausalVae vae;
  private final WaltTransformer model;
  private final @Nullable WordTextEncoder text;
  private final double textDropout;
  private final TrainingBatches data;
  private final int batch;
  private final int resolution;
  private final int lowResolution;
  private final int frames;
  private final double maxAugmentation;
  private double detailWeight;
  private @Nullable Pools pools;
  private final NoiseSchedule schedule = NoiseSchedule.walt();
  private final DiffusionLoss diffusion;
  private final NamedParameters parameters;

  public SuperResolutionObjective(
      String name, CausalVae vae, WaltTransformer model, TrainingBatches data, int batch, int resolution,
      int lowResolution, int frames, double maxAugmentation) {
    this(name, vae, model, null, 0, data, batch, resolution, lowResolution, frames, maxAugmentation);
  }

  /**
   * @param text the model's text encoder (frozen), required when the stage takes text, else null
   * @param textDropout probability of replacing a caption by the null embedding
   */
  public SuperResolutionObjective(
      String name, CausalVae vae, WaltTransformer model, @Nullable WordTextEncoder text, double textDropout,
      TrainingBatches data, int batch, int resolution, int lowResolution, int frames, double maxAugmentation) {
    if ((model.config().textDim() > 0) != (text != null)) {
      throw new IllegalArgumentException(
          "stage " + name + (text == null ? " takes text: pass the text encoder" : " takes no text"));
    }
    this.vae = vae;
    this.text = text;
    this.textDropout = textDropout;
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

  /**
   * Weighs the loss towards the latent positions where the clip differs from its low-resolution latent
   * (nearest-neighbour upsampled): weight {@code 1 + detailWeight * d / mean(d)} with {@code d} the mean
   * absolute difference over the channels. These are the object's outline and edges, a few positions of
   * each latent, where the stage must draw what the low-resolution input no longer shows; 0 (the default)
   * weighs every position alike.
   */
  public SuperResolutionObjective withDetailWeight(double detailWeight) {
    if (detailWeight < 0) {
      throw new IllegalArgumentException("the detail weight must be >= 0, got " + detailWeight);
    }
    this.detailWeight = detailWeight;
    return this;
  }

  /**
   * Draws the clips from pools encoded once ({@code high} at the stage's resolution, {@code low} at its input's,
   * clip i of each the same scene) instead of encoding two fresh clips per sample at every step: the frozen
   * encoder's passes cost more than the stage's own forward and backward pass on the CPU.
   */
  SuperResolutionObjective withLatentPool(LatentPool high, LatentPool low) {
    if (high.size() != low.size()) {
      throw new IllegalArgumentException("the two latent pools differ in size: " + high.size() + " and " + low.size());
    }
    this.pools = new Pools(high.requireBatch(batch), low);
    return this;
  }

  /** The pools of {@link #withLatentPool}: clip i of each the same scene. */
  private record Pools(LatentPool high, LatentPool low) {}

  @Override
  public NamedParameters parameters() {
    return parameters;
  }

  @Override
  public NDArray loss(NDManager scope, long step, SplittableRandom random) {
    NDArray high;
    NDArray low;
    List<String> captions;
    Pools pools = this.pools;
    if (pools != null) {
      // the draw takes a generator of its own, split from the step's, so that the noise, timesteps and
      // augmentation levels below come from the step's generator as they do for freshly encoded clips
      LatentPool.Drawn drawn = pools.high().draw(scope, batch, random.split());
      high = drawn.latents();
      low = pools.low().latents(scope, drawn.picked());
      captions = drawn.captions();
    } else {
      Batch clips = data.videos(step, batch, resolution, frames);
      high = DiffusionLoss.encodeFrozen(vae, scope, clips.pixels(), new Shape(batch, 3, frames, resolution, resolution));
      low =
          DiffusionLoss.encodeFrozen(
              vae, scope, data.videos(step, batch, lowResolution, frames).pixels(),
              new Shape(batch, 3, frames, lowResolution, lowResolution));
      captions = clips.captions();
    }
    float[] levels = new float[batch];
    for (int i = 0; i < batch; i++) {
      // levels are quantised to the schedule's steps, as augment does
      levels[i] = (float) (Math.round(random.nextDouble() * maxAugmentation * schedule.steps()) / (double) schedule.steps());
    }
    NDArray levelArray = scope.create(levels);
    NDArray eps = new GaussianNoise(random.nextLong()).next(scope, low.getShape());
    NDArray augmented = schedule.augment(low, eps, levelArray);
    NDArray[] tokens =
        text == null ? new NDArray[2] : Captions.encode(text, scope, captions, textDropout, random, false);
    return diffusion.loss(
        model, scope, high,
        new DiffusionLoss.Conditions(tokens[0], tokens[1], null, null, augmented, levelArray, null), random,
        detailWeight > 0 ? detailWeights(high, low, detailWeight) : null);
  }

  /** (B, 1, T, H, W) weights of {@link #withDetailWeight} for latents (B, C, T, H, W) and (B, C, T, h, w). */
  static NDArray detailWeights(NDArray high, NDArray low, double detailWeight) {
    // both latents come from the frozen encoder without gradients, so the scalar operations below are not
    // recorded by autograd (which would keep their constants past the call)
    int factor = (int) (high.getShape().get(3) / low.getShape().get(3));
    NDArray up = low.repeat(3, factor).repeat(4, factor);
    return DiffusionLoss.relativeWeights(high.sub(up).abs().mean(new int[] {1}, true), detailWeight);
  }
}
