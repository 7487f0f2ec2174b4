package dev.walt.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.walt.model.diffusion.DenoiserInput;
import dev.walt.model.diffusion.GaussianNoise;
import dev.walt.model.diffusion.NoiseSchedule;
import dev.walt.model.transformer.WaltTransformer;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * The v-prediction loss of a W.A.L.T transformer on clean latents: a uniform timestep per sample (optionally
 * weighted towards the upper, high-noise half of the schedule), x_t from
 * the zero-terminal-SNR schedule, target {@code v = alpha_t eps - sigma_t x0}, with self-conditioning
 * (with probability {@code selfConditioningProbability} per sample, a first pass without gradients gives
 * the x0 estimate that the second pass sees) when the transformer has it.
 */
final class DiffusionLoss {

  private final NoiseSchedule schedule;
  private final double selfConditioningProbability;
  private final double highNoise;
  private int bandFrom;
  private int bandTo;

  DiffusionLoss(NoiseSchedule schedule, double selfConditioningProbability) {
    this(schedule, selfConditioningProbability, 0);
  }

  /**
   * @param highNoise probability that a sample's timestep is drawn from the upper half of the schedule
   *     (where sampling lays out the video) instead of the whole of it; 0 draws every timestep uniformly
   */
  DiffusionLoss(NoiseSchedule schedule, double selfConditioningProbability, double highNoise) {
    if (highNoise < 0 || highNoise > 1) {
      throw new IllegalArgumentException("the high-noise fraction must be in [0, 1], got " + highNoise);
    }
    this.schedule = schedule;
    this.selfConditioningProbability = selfConditioningProbability;
    this.highNoise = highNoise;
    this.bandFrom = schedule.steps() / 2;
    this.bandTo = schedule.steps();
  }

  /**
   * Draws the weighted share of timesteps ({@code highNoise}) from {@code [from, to)} instead of the upper
   * half: e.g. the middle of the schedule, where sampling has placed the object but not yet drawn its outline.
   */
  DiffusionLoss withBand(int from, int to) {
    if (from < 0 || to > schedule.steps() || from >= to) {
      throw new IllegalArgumentException(
          "the timestep band must lie in [0, " + schedule.steps() + ") and hold a timestep, got " + from + "-" + to);
    }
    this.bandFrom = from;
    this.bandTo = to;
    return this;
  }

  /**
   * A sample's timestep: uniform, or with probability {@code highNoise} uniform over the band (the upper half
   * unless {@link #withBand} moved it).
   */
  int timestep(SplittableRandom random) {
    if (highNoise > 0 && random.nextDouble() < highNoise) {
      return bandFrom + random.nextInt(bandTo - bandFrom);
    }
    return random.nextInt(schedule.steps());
  }

  /** Conditioning of one batch (any may be null). */
  record Conditions(
      @Nullable NDArray text,
      @Nullable NDArray textMask,
      @Nullable NDArray frameCondition,
      @Nullable NDArray frameMask,
      @Nullable NDArray lowRes,
      @Nullable NDArray noiseLevel,
      boolean @Nullable [] imageSet) {}

  NDArray loss(
      WaltTransformer model, NDManager scope, NDArray x0, Conditions c, SplittableRandom random) {
    return loss(model, scope, x0, c, random, null);
  }

  /**
   * The loss with a per-position weight: {@code weight} (B, 1, T, H, W), broadcast over the channels; the
   * weighted mean of the squared error, so that the weights' scale does not change the loss's.
   */
  NDArray loss(
      WaltTransformer model, NDManager scope, NDArray x0, Conditions c, SplittableRandom random,
      @Nullable NDArray weight) {
    Shape shape = x0.getShape();
    int b = (int) shape.get(0);
    long[] steps = new long[b];
    float[] times = new float[b];
    for (int i = 0; i < b; i++) {
      steps[i] = timestep(random);
      times[i] = steps[i];
    }
    NDArray timesteps = scope.create(steps);
    NDArray timeInput = scope.create(times);
    NDArray eps = new GaussianNoise(random.nextLong()).next(scope, shape);
    NDArray xt = schedule.addNoise(x0, eps, timesteps);
    NDArray target = schedule.velocity(x0, eps, timesteps);
    ParameterStore store = new ParameterStore(scope, false);
    NDArray selfCondition = null;
    if (model.config().selfConditioning()) {
      float[] use = new float[b];
      boolean any = false;
      for (int i = 0; i < b; i++) {
        use[i] = random.nextDouble() < selfConditioningProbability ? 1f : 0f;
        any |= use[i] > 0;
      }
      if (any) {
        NDArray useArray = scope.create(use).reshape(b, 1, 1, 1, 1);
        selfCondition =
            Grad.off(
                () -> {
                  NDArray v = model.forward(store, input(xt, timeInput, null, c), c.imageSet());
                  return schedule.x0FromV(xt, v, timesteps).stopGradient().mul(useArray);
                });
      }
    }
    NDArray v = model.forward(store, input(xt, timeInput, selfCondition, c), c.imageSet());
    NDArray squared = v.sub(target).square();
    if (weight == null) {
      return squared.mean();
    }
    return squared.mul(weight).mean().div(weight.mean());
  }

  /**
   * Per-position loss weights {@code 1 + strength * d / mean(d)} for a non-negative measure {@code d} (B, 1, T,
   * H, W) of how much each position matters, its mean taken per sample: the weights' shape does not depend on
   * the measure's scale, and a sample with {@code d} zero everywhere weighs every position alike.
   */
  static NDArray relativeWeights(NDArray d, double strength) {
    NDArray mean = d.reshape(d.getShape().get(0), -1).mean(new int[] {1}, true).reshape(-1, 1, 1, 1, 1).add(1e-6f);
    return d.div(mean).mul((float) strength).add(1f);
  }

  private static DenoiserInput input(NDArray xt, NDArray time, @Nullable NDArray selfCondition, Conditions c) {
    return new DenoiserInput(
        xt, time, selfCondition, c.text(), c.textMask(), c.frameCondition(), c.frameMask(), c.lowRes(),
        c.noiseLevel(), true);
  }

  /** Encodes pixels with a frozen autoencoder (no gradients). */
  static NDArray encodeFrozen(dev.walt.model.vae.CausalVae vae, NDManager scope, float[] pixels, Shape shape) {
    return Grad.off(
        () -> {
          NDArray x = scope.create(pixels, shape);
          return vae.encode(new ParameterStore(scope, false), x, false).stopGradient();
        });
  }

  static NDArray floats(NDManager scope, float[] values) {
    return scope.create(values).toType(DataType.FLOAT32, false);
  }
}
