package dev.walt.model.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;

/**
 * The variance-preserving diffusion schedule of W.A.L.T (WALT.md section 4): {@code x_t = alpha_t x0
 * + sigma_t eps} with {@code alpha_t = sqrt(alphaBar_t)} and {@code sigma_t = sqrt(1 - alphaBar_t)}
 * over N discrete steps t = 0 .. N - 1. Immutable; the tables are host doubles, the conversions run
 * on the arrays' device.
 *
 * <p>Velocity parameterisation (Salimans and Ho 2022, "Progressive Distillation", section 4 and
 * appendix D): {@code v = alpha_t eps - sigma_t x0}, hence {@code x0 = alpha_t x_t - sigma_t v} and
 * {@code eps = sigma_t x_t + alpha_t v}. These need no division, so they hold at the terminal step
 * where {@code alpha = 0}: there {@code x0 = -v} (SNR 0, x_t is pure noise).
 */
public final class NoiseSchedule {

  private final double[] betas;
  private final double[] alphaBar;

  private NoiseSchedule(double[] betas, double[] alphaBar) {
    this.betas = betas;
    this.alphaBar = alphaBar;
  }

  /** The W.A.L.T schedule: linear beta 1e-4 .. 0.02 over 1000 steps, rescaled to zero terminal SNR. */
  public static NoiseSchedule walt() {
    return linear(1e-4, 0.02, 1000, true);
  }

  /**
   * Linear betas {@code beta_t = start + (end - start) t / (N - 1)} (Ho et al. 2020, section 4),
   * optionally rescaled to zero terminal SNR by Algorithm 1 of Lin et al. 2023, "Common Diffusion Noise
   * Schedules and Sample Steps are Flawed" (arXiv 2305.08891): shift {@code sqrt(alphaBar)} so its last value is 0,
   * scale it so its first value is unchanged, then recover the betas from the ratios of consecutive
   * alphaBar. Computed in double precision; after rescaling {@code alphaBar[N-1] == 0} exactly and
   * {@code beta[N-1] == 1}.
   */
  public static NoiseSchedule linear(double betaStart, double betaEnd, int steps, boolean zeroTerminalSnr) {
    if (steps < 2 || !(betaStart > 0) || !(betaEnd < 1) || betaStart > betaEnd) {
      throw new IllegalArgumentException("need 0 < betaStart <= betaEnd < 1 and at least 2 steps");
    }
    double[] betas = new double[steps];
    double[] alphaBar = new double[steps];
    double product = 1;
    for (int t = 0; t < steps; t++) {
      betas[t] = betaStart + (betaEnd - betaStart) * t / (steps - 1);
      product *= 1 - betas[t];
      alphaBar[t] = product;
    }
    if (zeroTerminalSnr) {
      // Lin et al. Algorithm 1: shift sqrt(alphaBar) to end at 0, keep its first value
      double[] sqrtAlphaBar = new double[steps];
      for (int t = 0; t < steps; t++) {
        sqrtAlphaBar[t] = Math.sqrt(alphaBar[t]);
      }
      double first = sqrtAlphaBar[0];
      double last = sqrtAlphaBar[steps - 1];
      for (int t = 0; t < steps; t++) {
        double shifted = (sqrtAlphaBar[t] - last) * first / (first - last);
        alphaBar[t] = shifted * shifted;
      }
      for (int t = 0; t < steps; t++) {
        double alpha = t == 0 ? alphaBar[0] : alphaBar[t] / alphaBar[t - 1];
        betas[t] = 1 - alpha;
      }
    }
    return new NoiseSchedule(betas, alphaBar);
  }

  /** N, the number of training steps. */
  public int steps() {
    return betas.length;
  }

  public double beta(int t) {
    return betas[t];
  }

  /** {@code alphaBar_t = prod_{s <= t} (1 - beta_s)}. */
  public double alphaBar(int t) {
    return alphaBar[t];
  }

  /** {@code alpha_t = sqrt(alphaBar_t)}, the signal scale. */
  public double signalScale(int t) {
    return Math.sqrt(alphaBar[t]);
  }

  /** {@code sigma_t = sqrt(1 - alphaBar_t)}, the noise scale. */
  public double noiseScale(int t) {
    return Math.sqrt(1 - alphaBar[t]);
  }

  /** Signal-to-noise ratio {@code alphaBar_t / (1 - alphaBar_t)}. */
  public double snr(int t) {
    return alphaBar[t] / (1 - alphaBar[t]);
  }

  /**
   * The timesteps of an S-step sampler with "trailing" spacing (Lin et al. 2023, section 3.3 and table 2):
   * {@code round(N - i N / S) - 1} for i = 0 .. S - 1, so the first step is N - 1, the zero-SNR step.
   *
   * @return S distinct timesteps, descending
   */
  public int[] samplingTimesteps(int samplingSteps) {
    if (samplingSteps < 1 || samplingSteps > steps()) {
      throw new IllegalArgumentException("sampling steps must be in 1.." + steps() + ", got " + samplingSteps);
    }
    int[] timesteps = new int[samplingSteps];
    double stride = (double) steps() / samplingSteps;
    for (int i = 0; i < samplingSteps; i++) {
      timesteps[i] = (int) Math.round(steps() - i * stride) - 1;
    }
    return timesteps;
  }

  // ---- conversions at one timestep for the whole batch (sampling) ----

  /** q(x_t | x0) (Ho et al. 2020, eq. 4): {@code alpha_t x0 + sigma_t eps}. */
  public NDArray addNoise(NDArray x0, NDArray eps, int t) {
    return x0.mul(signalScale(t)).add(eps.mul(noiseScale(t)));
  }

  /** {@code v = alpha_t eps - sigma_t x0} (Salimans and Ho 2022, eq. after (8) / appendix D). */
  public NDArray velocity(NDArray x0, NDArray eps, int t) {
    return eps.mul(signalScale(t)).sub(x0.mul(noiseScale(t)));
  }

  /** {@code x0 = alpha_t x_t - sigma_t v}. */
  public NDArray x0FromV(NDArray xt, NDArray v, int t) {
    return xt.mul(signalScale(t)).sub(v.mul(noiseScale(t)));
  }

  /** {@code eps = sigma_t x_t + alpha_t v}. */
  public NDArray epsilonFromV(NDArray xt, NDArray v, int t) {
    return xt.mul(noiseScale(t)).add(v.mul(signalScale(t)));
  }

  /** {@code v = (alpha_t x_t - x0) / sigma_t}; sigma_t > 0 at every step. */
  public NDArray vFromX0(NDArray xt, NDArray x0, int t) {
    return xt.mul(signalScale(t)).sub(x0).div(noiseScale(t));
  }

  /** {@code eps = (x_t - alpha_t x0) / sigma_t}; sigma_t > 0 at every step. */
  public NDArray epsilonFromX0(NDArray xt, NDArray x0, int t) {
    return xt.sub(x0.mul(signalScale(t))).div(noiseScale(t));
  }

  /**
   * {@code x0 = (x_t - sigma_t eps) / alpha_t} (Ho et al. 2020, eq. 15 rearranged).
   *
   * @throws IllegalArgumentException at the zero-SNR step, where eps carries no information on x0
   */
  public NDArray x0FromEpsilon(NDArray xt, NDArray eps, int t) {
    if (alphaBar[t] == 0) {
      throw new IllegalArgumentException("x0 is undefined from epsilon at zero SNR (t = " + t + ")");
    }
    return xt.sub(eps.mul(noiseScale(t))).div(signalScale(t));
  }

  /**
   * v from x_t and eps: with {@code x0 = (x_t - sigma_t eps) / alpha_t} and {@code alpha^2 + sigma^2 =
   * 1}, {@code v = alpha_t eps - sigma_t x0 = (eps - sigma_t x_t) / alpha_t}.
   *
   * @throws IllegalArgumentException at the zero-SNR step
   */
  public NDArray vFromEpsilon(NDArray xt, NDArray eps, int t) {
    if (alphaBar[t] == 0) {
      throw new IllegalArgumentException("v is undefined from epsilon at zero SNR (t = " + t + ")");
    }
    return eps.sub(xt.mul(noiseScale(t))).div(signalScale(t));
  }

  // ---- per-sample timesteps (training) ----

  /**
   * {@code alpha_t} per sample, shaped to broadcast against {@code like}.
   *
   * @param timesteps integer steps (B), any integer type
   * @param like (B, ...) array whose rank the result broadcasts to
   * @return (B, 1, ..., 1) float32
   */
  public NDArray signalScale(NDArray timesteps, NDArray like) {
    return gather(sqrtTable(false), timesteps, like);
  }

  /** {@code sigma_t} per sample, (B, 1, ..., 1) broadcasting against {@code like}. */
  public NDArray noiseScale(NDArray timesteps, NDArray like) {
    return gather(sqrtTable(true), timesteps, like);
  }

  /** q(x_t | x0) with a timestep per sample (B). */
  public NDArray addNoise(NDArray x0, NDArray eps, NDArray timesteps) {
    return x0.mul(signalScale(timesteps, x0)).add(eps.mul(noiseScale(timesteps, x0)));
  }

  /** The v target with a timestep per sample (B): {@code alpha_t eps - sigma_t x0}. */
  public NDArray velocity(NDArray x0, NDArray eps, NDArray timesteps) {
    return eps.mul(signalScale(timesteps, x0)).sub(x0.mul(noiseScale(timesteps, x0)));
  }

  /** {@code x0 = alpha_t x_t - sigma_t v} with a timestep per sample (B). */
  public NDArray x0FromV(NDArray xt, NDArray v, NDArray timesteps) {
    return xt.mul(signalScale(timesteps, xt)).sub(v.mul(noiseScale(timesteps, xt)));
  }

  // ---- noise-conditioning augmentation (super-resolution, Ho et al. 2022 "Cascaded Diffusion") ----

  /**
   * The alphaBar of augmentation level {@code level} in [0, 1]: level 0 is clean (alphaBar 1), level
   * k / N uses step k - 1, level 1 the zero-SNR step (pure noise).
   */
  public double augmentationAlphaBar(double level) {
    if (!(level >= 0 && level <= 1)) {
      throw new IllegalArgumentException("noise level must be in [0, 1], got " + level);
    }
    int k = (int) Math.round(level * steps());
    return k == 0 ? 1.0 : alphaBar[k - 1];
  }

  /** Noises {@code x} to augmentation level {@code level}: {@code sqrt(ab) x + sqrt(1 - ab) eps}. */
  public NDArray augment(NDArray x, NDArray eps, double level) {
    double ab = augmentationAlphaBar(level);
    if (ab == 1.0) {
      return x.duplicate();
    }
    return x.mul(Math.sqrt(ab)).add(eps.mul(Math.sqrt(1 - ab)));
  }

  /**
   * Noises {@code x} to a level per sample (training of super-resolution stages).
   *
   * @param levels float levels in [0, 1], (B)
   */
  public NDArray augment(NDArray x, NDArray eps, NDArray levels) {
    // table index k = round(level * N): 0 is clean, k >= 1 is step k - 1
    double[] table = new double[steps() + 1];
    table[0] = 1;
    System.arraycopy(alphaBar, 0, table, 1, steps());
    NDArray index = levels.toType(DataType.FLOAT32, false).mul(steps()).round().toType(DataType.INT64, false);
    NDArray signalScale = gather(toFloat(table, false), index, x);
    NDArray noiseScale = gather(toFloat(table, true), index, x);
    return x.mul(signalScale).add(eps.mul(noiseScale));
  }

  private float[] sqrtTable(boolean noise) {
    return toFloat(alphaBar, noise);
  }

  /** sqrt(alphaBar) (signal scales) or sqrt(1 - alphaBar) (noise scales) as float32. */
  private static float[] toFloat(double[] alphaBars, boolean noise) {
    float[] out = new float[alphaBars.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) Math.sqrt(noise ? 1 - alphaBars[i] : alphaBars[i]);
    }
    return out;
  }

  private static NDArray gather(float[] table, NDArray timesteps, NDArray like) {
    long b = timesteps.getShape().size();
    long[] shape = new long[like.getShape().dimension()];
    Arrays.fill(shape, 1);
    shape[0] = b;
    NDArray index = timesteps.toType(DataType.INT64, false).reshape(b);
    // (N) -> (B) -> (B, 1, ..., 1)
    return timesteps.getManager().create(table).toDevice(like.getDevice(), false).get(index).reshape(shape);
  }
}
