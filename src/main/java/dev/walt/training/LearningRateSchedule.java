package dev.walt.training;

/**
 * Linear warmup from 0 to {@code peak} over {@code warmupSteps}, then cosine decay to {@code peak *
 * minRatio} at {@code totalSteps} (and constant after).
 */
public record LearningRateSchedule(double peak, long warmupSteps, long totalSteps, double minRatio) {

  public LearningRateSchedule {
    if (!(peak > 0) || warmupSteps < 0 || totalSteps < 1 || !(minRatio >= 0 && minRatio <= 1)) {
      throw new IllegalArgumentException("bad learning rate schedule");
    }
  }

  /** The learning rate of step {@code step} (0-based). */
  public double at(long step) {
    if (step < warmupSteps) {
      return peak * (step + 1) / warmupSteps;
    }
    long decaySteps = Math.max(1, totalSteps - warmupSteps);
    double progress = Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
    double cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
    return peak * (minRatio + (1 - minRatio) * cosine);
  }
}
