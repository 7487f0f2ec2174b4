package dev.walt.model.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SuperResolutionStageTest {

  private final NoiseSchedule schedule = NoiseSchedule.walt();
  private final SuperResolutionStage stage = new SuperResolutionStage(new DdimSampler(schedule));
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  /** Samples with a recording denoiser and returns the low-resolution latents and levels it saw. */
  private List<float[]> run(NDArray lowRes, double level, long seed, List<Float> levels) {
    List<float[]> seen = new ArrayList<>();
    Denoiser recording =
        input -> {
          seen.add(input.lowRes().toFloatArray());
          levels.add(input.noiseLevel().getFloat(0));
          return input.noisy().zerosLike();
        };
    NDArray out = stage.sample(manager, recording, lowRes, new Shape(1, 2, 3, 4, 4), level, Conditioning.none(),
        new SamplerSettings(2, 0, 1, false), seed, SamplingListener.NONE, () -> false);
    assertThat(out.getShape()).isEqualTo(new Shape(1, 2, 3, 4, 4));
    return seen;
  }

  @Test
  void levelZeroPassesTheLowResolutionLatentUnchanged() {
    NDArray lowRes = manager.randomNormal(new Shape(1, 2, 3, 2, 2));
    List<Float> levels = new ArrayList<>();
    List<float[]> seen = run(lowRes, 0.0, 1, levels);
    assertThat(seen).hasSize(2).allSatisfy(a -> assertThat(a).containsExactly(lowRes.toFloatArray()));
    assertThat(levels).containsExactly(0f, 0f);
  }

  @Test
  void levelOneReplacesItByNoiseAndIntermediateLevelsMix() {
    NDArray a = manager.randomNormal(new Shape(1, 2, 3, 2, 2));
    NDArray b = manager.randomNormal(new Shape(1, 2, 3, 2, 2));
    List<Float> levels = new ArrayList<>();
    // pure noise: the same seed gives the same conditioning whatever the input
    assertThat(run(a, 1.0, 7, levels).get(0)).containsExactly(run(b, 1.0, 7, levels).get(0));
    float[] half = run(a, 0.5, 7, levels).get(0);
    float[] noise = run(b, 1.0, 7, levels).get(0);
    float[] clean = a.toFloatArray();
    double signal = Math.sqrt(schedule.augmentationAlphaBar(0.5));
    double sigma = Math.sqrt(1 - schedule.augmentationAlphaBar(0.5));
    for (int i = 0; i < half.length; i++) {
      assertThat((double) half[i]).isCloseTo(signal * clean[i] + sigma * noise[i], within(1e-5));
    }
    assertThat(levels).contains(1f, 0.5f);
  }

  @Test
  void rejectsALatentThatDoesNotDivideTheTarget() {
    NDArray lowRes = manager.zeros(new Shape(1, 2, 2, 2, 2));
    assertThatThrownBy(() -> run(lowRes, 0.0, 1, new ArrayList<>()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("low-resolution latent");
  }
}
