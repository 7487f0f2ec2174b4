package dev.walt.model.diffusion;

/**
 * How {@link DdimSampler} samples.
 *
 * @param steps S, sampling steps (paper: 50), 1 .. N
 * @param eta DDIM stochasticity (Song et al. 2021, eq. 16): 0 is deterministic DDIM, 1 is DDPM-like
 * @param guidanceScale classifier-free guidance scale s (Ho and Salimans 2022): 1 disables guidance
 * @param selfConditioning whether the previous x0 estimate is fed back (Chen et al. 2023, "Analog Bits")
 */
public record SamplerSettings(int steps, double eta, double guidanceScale, boolean selfConditioning) {

  public SamplerSettings {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be positive, got " + steps);
    }
    if (!(eta >= 0) || !(guidanceScale >= 0)) {
      throw new IllegalArgumentException("eta and guidance scale must be >= 0");
    }
  }

  /** The paper's sampler: 50 DDIM steps, eta 0, the given guidance, self-conditioning on. */
  public static SamplerSettings ddim(int steps, double guidanceScale) {
    return new SamplerSettings(steps, 0, guidanceScale, true);
  }
}
