package dev.walt.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptimisationTest {

  @Test
  void learningRateWarmsUpLinearlyThenFollowsTheCosineToTheFloor() {
    LearningRateSchedule s = new LearningRateSchedule(1e-3, 10, 110, 0.1);
    assertEquals(1e-4, s.at(0), 1e-15);
    assertEquals(5e-4, s.at(4), 1e-15);
    assertEquals(1e-3, s.at(9), 1e-15);
    assertEquals(1e-3, s.at(10), 1e-15); // start of the cosine
    assertEquals(1e-4 + 0.9e-3 * 0.5, s.at(60), 1e-15); // half way
    assertEquals(1e-4 + 0.9e-3 * 0.5 * (1 + Math.cos(Math.PI * 0.25)), s.at(35), 1e-15);
    assertEquals(1e-4, s.at(110), 1e-15);
    assertEquals(1e-4, s.at(500), 1e-15);
  }

  @Test
  void emaFollowsItsWarmedUpDecay() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray p = m.create(new float[] {1f, -2f});
      Ema ema = new Ema(List.of(p), m, 0.5);
      assertEquals(0.1, ema.decayAt(0), 1e-12);
      assertEquals(0.5, ema.decayAt(100), 1e-12);
      p.set(java.nio.FloatBuffer.wrap(new float[] {3f, 2f}));
      ema.update(List.of(p), 0, m); // d = 0.1: 0.1 * old + 0.9 * new
      float[] e = ema.shadows().get(0).toFloatArray();
      assertEquals(0.1f * 1f + 0.9f * 3f, e[0], 1e-6f);
      assertEquals(0.1f * -2f + 0.9f * 2f, e[1], 1e-6f);
      ema.update(List.of(p), 100, m); // d = 0.5
      float[] e2 = ema.shadows().get(0).toFloatArray();
      assertEquals(0.5f * e[0] + 0.5f * 3f, e2[0], 1e-6f);
      assertEquals(0.5f * e[1] + 0.5f * 2f, e2[1], 1e-6f);
    }
  }

  @Test
  void clippingScalesToTheGivenGlobalNormExactly() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.create(new float[] {3f, 0f});
      NDArray b = m.create(new float[] {0f, 4f, 12f}); // global norm 13
      double before = GradientClipping.clip(List.of(a, b), 1.0);
      assertEquals(13.0, before, 1e-6);
      assertEquals(1.0, GradientClipping.globalNorm(List.of(a, b)), 1e-6);
      assertEquals(3f / 13f, a.getFloat(0), 1e-7f);
      assertEquals(12f / 13f, b.getFloat(2), 1e-7f);
      // under the limit: untouched
      GradientClipping.clip(List.of(a, b), 5.0);
      assertEquals(3f / 13f, a.getFloat(0), 1e-7f);
    }
  }

  @Test
  void adamWMatchesAHandComputation() {
    double lr = 0.1;
    double b1 = 0.9;
    double b2 = 0.99;
    double eps = 1e-8;
    double wd = 0.5;
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray matrix = m.create(new float[] {1f, -1f, 2f, 0.5f}, new ai.djl.ndarray.types.Shape(2, 2));
      NDArray bias = m.create(new float[] {0.3f});
      AdamW adam = new AdamW(List.of(matrix, bias), m, b1, b2, eps, wd);
      double[] p = {1, -1, 2, 0.5};
      double q = 0.3;
      double[] mm = new double[4];
      double[] vv = new double[4];
      double qm = 0;
      double qv = 0;
      float[][] gradients = {{0.5f, -0.25f, 1f, 0f}, {-0.1f, 0.2f, 0.3f, 2f}};
      float[] biasGradients = {1f, -3f};
      for (int t = 1; t <= 2; t++) {
        float[] g = gradients[t - 1];
        try (NDManager scope = m.newSubManager()) {
          adam.step(
              List.of(matrix, bias),
              List.of(scope.create(g, new ai.djl.ndarray.types.Shape(2, 2)), scope.create(new float[] {biasGradients[t - 1]})),
              lr, scope);
        }
        for (int i = 0; i < 4; i++) {
          mm[i] = b1 * mm[i] + (1 - b1) * g[i];
          vv[i] = b2 * vv[i] + (1 - b2) * g[i] * g[i];
          p[i] *= 1 - lr * wd;
          p[i] -= lr * (mm[i] / (1 - Math.pow(b1, t))) / (Math.sqrt(vv[i] / (1 - Math.pow(b2, t))) + eps);
        }
        double gb = biasGradients[t - 1];
        qm = b1 * qm + (1 - b1) * gb;
        qv = b2 * qv + (1 - b2) * gb * gb;
        q -= lr * (qm / (1 - Math.pow(b1, t))) / (Math.sqrt(qv / (1 - Math.pow(b2, t))) + eps); // no decay on rank 1
      }
      float[] got = matrix.toFloatArray();
      for (int i = 0; i < 4; i++) {
        assertEquals(p[i], got[i], 1e-6, "element " + i);
      }
      assertEquals(q, bias.getFloat(0), 1e-6);
      assertEquals(2, adam.updates());
    }
  }
}
