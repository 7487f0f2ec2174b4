package dev.walt.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.walt.model.diffusion.NoiseSchedule;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DiffusionLossTest {

  private static final int DRAWS = 40_000;

  /** Fraction of timesteps in the upper half, and the smallest and largest timestep drawn. */
  private static double[] draw(double highNoise) {
    DiffusionLoss loss = new DiffusionLoss(NoiseSchedule.walt(), 0.9, highNoise);
    SplittableRandom random = new SplittableRandom(11);
    int upper = 0;
    int min = Integer.MAX_VALUE;
    int max = Integer.MIN_VALUE;
    for (int i = 0; i < DRAWS; i++) {
      int t = loss.timestep(random);
      upper += t >= 500 ? 1 : 0;
      min = Math.min(min, t);
      max = Math.max(max, t);
    }
    return new double[] {upper / (double) DRAWS, min, max};
  }

  @Test
  void timestepsAreUniformUnlessWeightedTowardsHighNoise() {
    double[] uniform = draw(0);
    assertEquals(0.5, uniform[0], 0.01);
    assertEquals(0, uniform[1]);
    assertEquals(999, uniform[2]);

    double[] half = draw(0.5); // half from the upper half, half from all: 0.5 + 0.5 * 0.5 above 500
    assertEquals(0.75, half[0], 0.01);
    assertEquals(0, half[1]);
    assertEquals(999, half[2]);

    double[] all = draw(1);
    assertEquals(1.0, all[0]);
    assertEquals(500, all[1]);
    assertEquals(999, all[2]);
  }

  @Test
  void theWeightedShareCanBeDrawnFromAnotherBand() {
    DiffusionLoss loss = new DiffusionLoss(NoiseSchedule.walt(), 0.9, 0.8).withBand(250, 650);
    SplittableRandom random = new SplittableRandom(5);
    int inBand = 0;
    int[] counts = new int[1000];
    for (int i = 0; i < DRAWS; i++) {
      int t = loss.timestep(random);
      counts[t]++;
      inBand += t >= 250 && t < 650 ? 1 : 0;
    }
    // 0.8 from the band, 0.2 uniform of which 0.4 falls in the band: 0.88
    assertEquals(0.88, inBand / (double) DRAWS, 0.01);
    // per 100 timesteps: 0.8 / 4 + 0.2 / 10 inside the band, 0.2 / 10 outside it
    assertEquals(0.22, share(counts, 350, 450), 0.01);
    assertEquals(0.02, share(counts, 700, 800), 0.005);
    assertEquals(0.05, share(counts, 0, 250), 0.005);
    assertThrows(IllegalArgumentException.class, () -> new DiffusionLoss(NoiseSchedule.walt(), 0.9, 0.5).withBand(600, 600));
    assertThrows(IllegalArgumentException.class, () -> new DiffusionLoss(NoiseSchedule.walt(), 0.9, 0.5).withBand(-1, 600));
    assertThrows(IllegalArgumentException.class, () -> new DiffusionLoss(NoiseSchedule.walt(), 0.9, 0.5).withBand(0, 1001));
  }

  private static double share(int[] counts, int from, int to) {
    return java.util.Arrays.stream(counts, from, to).sum() / (double) DRAWS;
  }

  @Test
  void theHighNoiseFractionMustBeAProbability() {
    assertThrows(IllegalArgumentException.class, () -> new DiffusionLoss(NoiseSchedule.walt(), 0.9, -0.1));
    assertThrows(IllegalArgumentException.class, () -> new DiffusionLoss(NoiseSchedule.walt(), 0.9, 1.5));
  }

  @Test
  void withoutWeightingTheDrawsAreThoseOfEarlierRuns() {
    // Runs that did not ask for high-noise weighting keep their exact timesteps (resumes stay bit-identical).
    assertEquals(1000, NoiseSchedule.walt().steps());
    DiffusionLoss loss = new DiffusionLoss(NoiseSchedule.walt(), 0.9);
    SplittableRandom a = new SplittableRandom(3);
    SplittableRandom b = new SplittableRandom(3);
    for (int i = 0; i < 100; i++) {
      assertEquals(b.nextInt(1000), loss.timestep(a));
    }
  }
}
