package dev.walt.model.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NoiseScheduleTest {

  private final NoiseSchedule schedule = NoiseSchedule.walt();
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void terminalSnrIsExactlyZero() {
    assertThat(schedule.steps()).isEqualTo(1000);
    assertThat(schedule.alphaBar(999)).isEqualTo(0.0);
    assertThat(schedule.snr(999)).isEqualTo(0.0);
    assertThat(schedule.beta(999)).isEqualTo(1.0);
    assertThat(schedule.signalScale(999)).isEqualTo(0.0);
    assertThat(schedule.noiseScale(999)).isEqualTo(1.0);
  }

  @Test
  void alphaBarIsStrictlyDecreasing() {
    for (int t = 1; t < schedule.steps(); t++) {
      assertThat(schedule.alphaBar(t)).as("t=%d", t).isLessThan(schedule.alphaBar(t - 1));
    }
  }

  @Test
  void betasMatchAnIndependentRescaling() {
    // sqrt(alphaBar) of the plain linear schedule at t = 0, 1, 999
    double s0 = Math.sqrt(1 - 1e-4);
    double s1 = Math.sqrt((1 - 1e-4) * (1 - (1e-4 + (0.02 - 1e-4) / 999)));
    NoiseSchedule plain = NoiseSchedule.linear(1e-4, 0.02, 1000, false);
    double sT = Math.sqrt(plain.alphaBar(999));
    assertThat(plain.alphaBar(1)).isCloseTo(s1 * s1, within(1e-15));
    double r1 = (s1 - sT) * s0 / (s0 - sT);
    // the first beta is unchanged by the rescaling, the second follows Algorithm 1
    assertThat(schedule.beta(0)).isCloseTo(1e-4, within(1e-15));
    assertThat(schedule.beta(1)).isCloseTo(1 - r1 * r1 / (s0 * s0), within(1e-12));
    assertThat(schedule.beta(1)).isGreaterThan(plain.beta(1));
    assertThat(plain.alphaBar(999)).isCloseTo(4.04e-5, within(1e-6));
  }

  @Test
  void trailingTimestepsStartAtTheTerminalStep() {
    int[] ts = schedule.samplingTimesteps(50);
    assertThat(ts).hasSize(50);
    assertThat(ts[0]).isEqualTo(999);
    assertThat(ts[1]).isEqualTo(979);
    assertThat(ts[49]).isEqualTo(19);
    assertThat(schedule.samplingTimesteps(1)).containsExactly(999);
    assertThat(schedule.samplingTimesteps(3)).containsExactly(999, 666, 332);
  }

  @Test
  void conversionsRoundTrip() {
    NDArray x0 = manager.randomNormal(new Shape(2, 3, 2, 4, 4));
    NDArray eps = manager.randomNormal(new Shape(2, 3, 2, 4, 4));
    for (int t : new int[] {0, 1, 250, 500, 998, 999}) {
      NDArray xt = schedule.addNoise(x0, eps, t);
      NDArray v = schedule.velocity(x0, eps, t);
      assertThat(maxAbs(schedule.x0FromV(xt, v, t).sub(x0))).as("x0 from v, t=%d", t).isLessThan(1e-5f);
      assertThat(maxAbs(schedule.epsilonFromV(xt, v, t).sub(eps))).as("eps from v, t=%d", t).isLessThan(1e-5f);
      // conversions that divide by sigma_t (or alpha_t) lose float32 precision in proportion
      float bySigma = (float) (1e-5 * Math.max(1, 1 / schedule.noiseScale(t)));
      assertThat(maxAbs(schedule.vFromX0(xt, x0, t).sub(v))).as("v from x0, t=%d", t).isLessThan(bySigma);
      assertThat(maxAbs(schedule.epsilonFromX0(xt, x0, t).sub(eps))).as("eps from x0, t=%d", t).isLessThan(bySigma);
      if (t != 999) {
        float byAlpha = (float) (1e-5 * Math.max(1, 1 / schedule.signalScale(t)));
        assertThat(maxAbs(schedule.x0FromEpsilon(xt, eps, t).sub(x0))).as("x0 from eps, t=%d", t).isLessThan(byAlpha);
        assertThat(maxAbs(schedule.vFromEpsilon(xt, eps, t).sub(v))).as("v from eps, t=%d", t).isLessThan(byAlpha);
      }
    }
    // at zero SNR x_t is pure noise and x0 = -v
    NDArray xt = schedule.addNoise(x0, eps, 999);
    assertThat(maxAbs(xt.sub(eps))).isEqualTo(0f);
    assertThat(maxAbs(schedule.velocity(x0, eps, 999).add(x0))).isEqualTo(0f);
    assertThatThrownBy(() -> schedule.x0FromEpsilon(xt, eps, 999)).hasMessageContaining("zero SNR");
  }

  @Test
  void perSampleTimestepsMatchTheScalarForms() {
    NDArray x0 = manager.randomNormal(new Shape(3, 2, 1, 2, 2));
    NDArray eps = manager.randomNormal(new Shape(3, 2, 1, 2, 2));
    int[] ts = {0, 500, 999};
    NDArray t = manager.create(new long[] {0, 500, 999});
    NDArray xt = schedule.addNoise(x0, eps, t);
    NDArray v = schedule.velocity(x0, eps, t);
    for (int i = 0; i < 3; i++) {
      String b = i + ":" + (i + 1);
      NDArray expectedXt = schedule.addNoise(x0.get(b), eps.get(b), ts[i]);
      assertThat(maxAbs(xt.get(b).sub(expectedXt))).isLessThan(1e-6f);
      assertThat(maxAbs(v.get(b).sub(schedule.velocity(x0.get(b), eps.get(b), ts[i])))).isLessThan(1e-6f);
    }
    assertThat(maxAbs(schedule.x0FromV(xt, v, t).sub(x0))).isLessThan(1e-5f);
  }

  @Test
  void augmentationLevelsRunFromCleanToPureNoise() {
    assertThat(schedule.augmentationAlphaBar(0)).isEqualTo(1.0);
    assertThat(schedule.augmentationAlphaBar(1)).isEqualTo(0.0);
    assertThat(schedule.augmentationAlphaBar(0.5)).isEqualTo(schedule.alphaBar(499));
    NDArray x = manager.randomNormal(new Shape(2, 2, 1, 2, 2));
    NDArray eps = manager.randomNormal(new Shape(2, 2, 1, 2, 2));
    assertThat(maxAbs(schedule.augment(x, eps, 0.0).sub(x))).isEqualTo(0f);
    assertThat(maxAbs(schedule.augment(x, eps, 1.0).sub(eps))).isEqualTo(0f);
    NDArray levels = manager.create(new float[] {0f, 0.25f});
    NDArray perSample = schedule.augment(x, eps, levels);
    assertThat(maxAbs(perSample.get("0:1").sub(x.get("0:1")))).isEqualTo(0f);
    assertThat(maxAbs(perSample.get("1:2").sub(schedule.augment(x.get("1:2"), eps.get("1:2"), 0.25))))
        .isLessThan(1e-6f);
    assertThat(levels.getDataType()).isEqualTo(DataType.FLOAT32);
  }

  private static float maxAbs(NDArray a) {
    return a.abs().max().getFloat();
  }
}
