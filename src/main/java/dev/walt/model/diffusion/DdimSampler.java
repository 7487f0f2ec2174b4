package dev.walt.model.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * DDIM sampling (Song et al. 2021, "Denoising Diffusion Implicit Models") of a v-predicting {@link
 * Denoiser}, with classifier-free guidance, self-conditioning and frame conditioning. Immutable and
 * shareable; every run's state lives in the run.
 *
 * <p>Each step at timestep t (previous timestep t' with {@code alphaBar_{t'}}, 1 after the last step):
 *
 * <ol>
 *   <li>v = denoiser(x_t); with guidance scale s and text, {@code v = v_uncond + s (v_cond - v_uncond)}
 *       (Ho and Salimans 2022, eq. 6 with s = 1 + w, applied to v); the unconditional branch gets the
 *       null text tokens and every other condition unchanged;
 *   <li>{@code x0 = alpha_t x_t - sigma_t v}, {@code eps = sigma_t x_t + alpha_t v} (Salimans and Ho
 *       2022); at the first, zero-SNR step (trailing spacing) this gives {@code x0 = -v}, {@code eps =
 *       x_t} exactly;
 *   <li>known frames (frame conditioning) replace their part of the x0 estimate (the denoiser also
 *       receives them as {@code frameCondition} / {@code frameMask}); this x0 estimate is what the
 *       listener sees and, with self-conditioning, what the next step receives as {@code
 *       selfCondition} (zeros, i.e. null, at the first step);
 *   <li>eq. 12: {@code x_{t'} = sqrt(alphaBar_{t'}) x0 + sqrt(1 - alphaBar_{t'} - sigma^2) eps +
 *       sigma z} with eq. 16: {@code sigma = eta sqrt((1 - alphaBar_{t'}) / (1 - alphaBar_t))
 *       sqrt(1 - alphaBar_t / alphaBar_{t'})}.
 * </ol>
 *
 * <p>Randomness: the initial noise and, for eta > 0, each step's noise come from one {@link
 * GaussianNoise} seeded by the caller, so a seed gives bit-identical samples on the same engine.
 *
 * <p>Memory: every step's arrays live in a sub-manager closed at the end of the step; only x_t and the
 * x0 estimate (for self-conditioning) survive into the next step. Nothing is copied to the host. The
 * array a {@link Denoiser} returns is taken over by the step (attached to its manager); a denoiser
 * should derive its temporaries from its inputs (whose manager is the step's) so they die there too.
 */
public final class DdimSampler {

  /** The smallest {@code alphaBar_t} at which a {@link LatentGuide} steers a step. */
  public static final double MIN_GUIDED_ALPHA_BAR = 0.01;

  private final NoiseSchedule schedule;

  public DdimSampler(NoiseSchedule schedule) {
    this.schedule = schedule;
  }

  public NoiseSchedule schedule() {
    return schedule;
  }

  /**
   * Classifier-free guidance (Ho and Salimans 2022): {@code uncond + scale * (cond - uncond)}.
   *
   * @param cond prediction with the condition, any shape
   * @param uncond prediction without, same shape
   */
  public static NDArray guide(NDArray cond, NDArray uncond, double scale) {
    return uncond.add(cond.sub(uncond).mul(scale));
  }

  /**
   * Samples latents from noise drawn from {@code seed}.
   *
   * @param manager the manager (and device) the result belongs to
   * @param denoiser the v-predicting network
   * @param shape the latent shape (B, C, T, H, W)
   * @param conditioning text, known frames, low-resolution latent
   * @param settings steps, eta, guidance, self-conditioning
   * @param seed the same seed gives bit-identical samples
   * @param listener told after every step
   * @param cancelled checked before every step
   * @return x0 samples (B, C, T, H, W) in {@code manager}
   * @throws CancellationException when {@code cancelled} is true before a step
   */
  public NDArray sample(
      NDManager manager,
      Denoiser denoiser,
      Shape shape,
      Conditioning conditioning,
      SamplerSettings settings,
      long seed,
      SamplingListener listener,
      BooleanSupplier cancelled) {
    return sample(manager, denoiser, shape, conditioning, settings, null, seed, listener, cancelled);
  }

  /**
   * Samples as {@link #sample(NDManager, Denoiser, Shape, Conditioning, SamplerSettings, long, SamplingListener,
   * BooleanSupplier)}, steered by {@code guide} (classifier guidance, Dhariwal and Nichol 2021, eq. 14): at every
   * step with text and {@code alphaBar_t >=} {@value #MIN_GUIDED_ALPHA_BAR}, {@code eps <- eps - scale sigma_t
   * grad log p(text | x_t)} and the x0 estimate follows from it, {@code x0 = (x_t - sigma_t eps) / alpha_t}. The
   * first steps, where {@code alpha_t} is (close to) zero, are left alone: there x0 would take the gradient
   * divided by {@code alpha_t}.
   *
   * @param guide null (or scale 0) for none
   */
  public NDArray sample(NDManager manager, Denoiser denoiser, Shape shape, Conditioning conditioning,
      SamplerSettings settings, @Nullable LatentGuide guide, long seed, SamplingListener listener,
      BooleanSupplier cancelled) {
    return run(manager, denoiser, shape, conditioning, settings, guide, null, 0, seed, listener, cancelled);
  }

  /**
   * Redraws {@code start} (SDEdit, Meng et al. 2022): the latent is noised to the timestep {@code strength} of
   * the way from clean to pure noise (the nearest of the sampling timesteps, at least the last) and sampled back
   * from there with the remaining steps. Strength 1 is {@link #sample} from noise that ignores {@code start}.
   *
   * @param start the latent to redraw (B, C, T, H, W); its shape is the sample's
   * @param strength in (0, 1]
   */
  public NDArray redraw(NDManager manager, Denoiser denoiser, NDArray start, double strength, Conditioning conditioning,
      SamplerSettings settings, long seed) {
    if (!(strength > 0 && strength <= 1)) {
      throw new IllegalArgumentException("strength must be in (0, 1], got " + strength);
    }
    int steps = settings.steps();
    int first = Math.min(steps - 1, (int) Math.round((1 - strength) * steps));
    return run(manager, denoiser, start.getShape(), conditioning, settings, null, start, first, seed,
        step -> {}, () -> false);
  }

  /** Samples from step {@code first} on: from noise at step 0, else from {@code start} noised to that step. */
  private NDArray run(NDManager manager, Denoiser denoiser, Shape shape, Conditioning conditioning,
      SamplerSettings settings, @Nullable LatentGuide guide, @Nullable NDArray start, int first, long seed,
      SamplingListener listener, BooleanSupplier cancelled) {
    validate(shape, conditioning);
    boolean guided = guide != null && guide.scale() > 0 && conditioning.text() != null;
    GaussianNoise noise = new GaussianNoise(seed);
    int[] timesteps = schedule.samplingTimesteps(settings.steps());
    try (NDManager run = manager.newSubManager()) {
      NDArray frameMask = null;
      if (conditioning.frameMask() != null) {
        // (B, T) -> (B, 1, T, 1, 1)
        NDArray mask = conditioning.frameMask().toType(DataType.FLOAT32, true);
        mask.attach(run);
        frameMask = mask.reshape(shape.get(0), 1, shape.get(2), 1, 1);
      }
      NDArray x = noise.next(run, shape);
      if (start != null && first > 0) {
        x = schedule.addNoise(start, x, timesteps[first]);
        x.attach(run);
      }
      NDArray previousX0 = null;
      for (int i = first; i < timesteps.length; i++) {
        if (cancelled.getAsBoolean()) {
          throw new CancellationException(
              "sampling cancelled before step " + (i + 1) + " of " + timesteps.length);
        }
        int t = timesteps[i];
        double alphaBarPrevious = i + 1 < timesteps.length ? schedule.alphaBar(timesteps[i + 1]) : 1.0;
        try (NDManager step = run.newSubManager()) {
          // the previous state dies with this step
          x.attach(step);
          if (previousX0 != null) {
            previousX0.attach(step);
          }
          NDArray v = predictV(step, denoiser, x, t, settings.selfConditioning() ? previousX0 : null, conditioning,
              settings.guidanceScale());
          NDArray x0 = schedule.x0FromV(x, v, t);
          NDArray eps = schedule.epsilonFromV(x, v, t);
          double alphaBar = schedule.alphaBar(t);
          if (guided && alphaBar >= MIN_GUIDED_ALPHA_BAR) {
            NDArray gradient = guide.gradient(x, t, conditioning.text());
            gradient.attach(step);
            double sigmaT = Math.sqrt(1 - alphaBar);
            eps = eps.sub(gradient.mul(guide.scale() * sigmaT));
            x0 = x.sub(eps.mul(sigmaT)).div(Math.sqrt(alphaBar));
          }
          if (frameMask != null && conditioning.frameCondition() != null) {
            // x0 <- x0 + mask (known - x0); every operation starts from a step array
            x0 = x0.sub(x0.sub(conditioning.frameCondition()).mul(frameMask));
          }
          listener.onStep(new SamplingStep(i, timesteps.length, t, x0));
          double sigma =
              settings.eta()
                  * Math.sqrt((1 - alphaBarPrevious) / (1 - alphaBar))
                  * Math.sqrt(1 - alphaBar / alphaBarPrevious);
          double direction = Math.sqrt(Math.max(0, 1 - alphaBarPrevious - sigma * sigma));
          NDArray next = x0.mul(Math.sqrt(alphaBarPrevious)).add(eps.mul(direction));
          if (sigma > 0) {
            next = next.add(noise.next(step, shape).mul(sigma));
          }
          next.attach(run);
          x = next;
          if (settings.selfConditioning()) {
            x0.attach(run);
            previousX0 = x0;
          }
        }
      }
      x.attach(manager);
      return x;
    }
  }

  private static void validate(Shape shape, Conditioning c) {
    if (shape.dimension() != 5) {
      throw new IllegalArgumentException("latents are (B, C, T, H, W), got " + shape);
    }
    NDArray frames = c.frameCondition();
    NDArray mask = c.frameMask();
    if (frames != null && !frames.getShape().equals(shape)) {
      throw new IllegalArgumentException("frameCondition must be " + shape + ", got " + frames.getShape());
    }
    if (mask != null && !mask.getShape().equals(new Shape(shape.get(0), shape.get(2)))) {
      throw new IllegalArgumentException(
          "frameMask must be (" + shape.get(0) + ", " + shape.get(2) + "), got " + mask.getShape());
    }
  }

  /** One (possibly guided) v prediction; the returned array belongs to {@code step}. */
  private static NDArray predictV(
      NDManager step,
      Denoiser denoiser,
      NDArray x,
      int t,
      @Nullable NDArray selfCondition,
      Conditioning c,
      double guidanceScale) {
    NDArray timesteps = step.full(new Shape(x.getShape().get(0)), (float) t);
    TextConditioning text = c.text();
    NDArray cond =
        denoiser.predictV(
            new DenoiserInput(
                x,
                timesteps,
                selfCondition,
                text == null ? null : text.tokens(),
                text == null ? null : text.mask(),
                c.frameCondition(),
                c.frameMask(),
                c.lowRes(),
                c.noiseLevel(),
                false));
    cond.attach(step);
    if (text == null || guidanceScale == 1.0) {
      return cond;
    }
    NDArray uncond =
        denoiser.predictV(
            new DenoiserInput(
                x,
                timesteps,
                selfCondition,
                text.nullTokens(),
                text.nullMask(),
                c.frameCondition(),
                c.frameMask(),
                c.lowRes(),
                c.noiseLevel(),
                false));
    uncond.attach(step);
    return guide(cond, uncond, guidanceScale);
  }
}
