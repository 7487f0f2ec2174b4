package dev.walt.model;

import dev.walt.model.diffusion.NoiseSchedule;

/**
 * The noise schedule shared by every stage of a model, and the sampler's defaults.
 *
 * @param schedule kind of schedule; {@value #LINEAR} is the only one: linear betas (Ho et al. 2020)
 * @param betaStart first beta (paper: 1e-4)
 * @param betaEnd last beta before rescaling (paper: 0.02)
 * @param trainingSteps N, diffusion steps of training (paper: 1000)
 * @param zeroTerminalSnr whether the schedule is rescaled to zero terminal SNR (Lin et al. 2023; paper: yes)
 * @param eta default DDIM stochasticity (0: deterministic DDIM)
 */
public record DiffusionConfig(
    String schedule, double betaStart, double betaEnd, int trainingSteps, boolean zeroTerminalSnr, double eta) {

  /** Linear betas from {@code betaStart} to {@code betaEnd}. */
  public static final String LINEAR = "linear";

  public DiffusionConfig {
    if (!LINEAR.equals(schedule)) {
      throw new IllegalArgumentException("unknown noise schedule '" + schedule + "', known: [" + LINEAR + "]");
    }
    if (!(betaStart > 0) || !(betaEnd < 1) || betaStart > betaEnd || trainingSteps < 2) {
      throw new IllegalArgumentException(
          "need 0 < betaStart <= betaEnd < 1 and at least 2 steps, got " + betaStart + ", " + betaEnd + ", "
              + trainingSteps);
    }
    if (!(eta >= 0 && eta <= 1)) {
      throw new IllegalArgumentException("eta must be in [0, 1], got " + eta);
    }
  }

  /** The paper's diffusion (WALT.md section 4): linear 1e-4 .. 0.02 over 1000 steps, zero terminal SNR, DDIM eta 0. */
  public static DiffusionConfig paper() {
    return new DiffusionConfig(LINEAR, 1e-4, 0.02, 1000, true, 0);
  }

  /** The immutable schedule these settings describe. */
  public NoiseSchedule noiseSchedule() {
    return NoiseSchedule.linear(betaStart, betaEnd, trainingSteps, zeroTerminalSnr);
  }
}
