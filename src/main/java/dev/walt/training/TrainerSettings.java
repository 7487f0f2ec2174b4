package dev.walt.training;

/**
 * Optimisation settings of a run.
 *
 * @param steps total steps (the cosine schedule ends there)
 * @param learningRate peak learning rate
 * @param warmupSteps linear warmup steps
 * @param minLearningRateRatio final learning rate as a fraction of the peak
 * @param weightDecay AdamW decoupled weight decay (rank >= 2 parameters)
 * @param beta1 Adam first-moment decay
 * @param beta2 Adam second-moment decay
 * @param epsilon Adam epsilon
 * @param emaDecay EMA decay (warmed up as {@code min(decay, (1+n)/(10+n))})
 * @param clipNorm global gradient norm limit (0: none)
 * @param seed seed of data order, noise and every random choice
 * @param checkpointEvery steps between checkpoints
 */
public record TrainerSettings(
    long steps,
    double learningRate,
    long warmupSteps,
    double minLearningRateRatio,
    double weightDecay,
    double beta1,
    double beta2,
    double epsilon,
    double emaDecay,
    double clipNorm,
    long seed,
    long checkpointEvery) {

  /** Defaults for {@code steps}, {@code learningRate} and {@code seed}. */
  public static TrainerSettings of(long steps, double learningRate, long seed) {
    return new TrainerSettings(
        steps, learningRate, Math.min(200, Math.max(1, steps / 20)), 0.1, 0.01, 0.9, 0.99, 1e-8, 0.999, 1.0, seed,
        Math.max(1, Math.min(250, steps)));
  }

  public TrainerSettings withCheckpointEvery(long every) {
    return new TrainerSettings(steps, learningRate, warmupSteps, minLearningRateRatio, weightDecay, beta1, beta2,
        epsilon, emaDecay, clipNorm, seed, every);
  }

  public TrainerSettings withEmaDecay(double decay) {
    return new TrainerSettings(steps, learningRate, warmupSteps, minLearningRateRatio, weightDecay, beta1, beta2,
        epsilon, decay, clipNorm, seed, checkpointEvery);
  }

  public LearningRateSchedule schedule() {
    return new LearningRateSchedule(learningRate, warmupSteps, steps, minLearningRateRatio);
  }
}
