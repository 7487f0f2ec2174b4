package dev.walt.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GroupNormTest {

  private static final int B = 2, C = 6, G = 3, T = 3, H = 4, W = 5;

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
  void perSampleMatchesAnIndependentComputation() {
    checkAgainstReference(GroupNorm.Scope.SAMPLE, true);
  }

  @Test
  void perSampleWithoutGradientsMatchesAnIndependentComputation() {
    checkAgainstReference(GroupNorm.Scope.SAMPLE, false); // the inference path
  }

  @Test
  void perFrameWithoutGradientsMatchesAnIndependentComputation() {
    checkAgainstReference(GroupNorm.Scope.FRAME, false); // the inference path
  }

  @Test
  void perFrameMatchesAnIndependentComputation() {
    checkAgainstReference(GroupNorm.Scope.FRAME, true);
  }

  @Test
  void perFrameStatisticsDoNotMixFrames() {
    GroupNorm norm = new GroupNorm(C, G, 1e-5f, GroupNorm.Scope.FRAME);
    norm.initialize(manager);
    NDArray x = manager.randomNormal(new Shape(B, C, T, H, W));
    NDArray firstFrameAlone = norm.forward(new ParameterStore(manager, false), x.get(":, :, 0:1"), false);
    NDArray whole = norm.forward(new ParameterStore(manager, false), x, false);
    assertThat(whole.get(":, :, 0:1").sub(firstFrameAlone).abs().max().getFloat()).isLessThan(1e-6f);
  }

  private void checkAgainstReference(GroupNorm.Scope scope, boolean gradients) {
    Random random = new Random(7);
    float[] data = new float[B * C * T * H * W];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) (random.nextGaussian() * 3 + 1.5);
    }
    float[] gamma = new float[C];
    float[] beta = new float[C];
    for (int c = 0; c < C; c++) {
      gamma[c] = 0.5f + c;
      beta[c] = -1f + 0.25f * c;
    }
    float eps = 1e-5f;
    GroupNorm norm = new GroupNorm(C, G, eps, scope);
    norm.initialize(manager);
    norm.getParameters().get("weight").getArray().set(FloatBuffer.wrap(gamma));
    norm.getParameters().get("bias").getArray().set(FloatBuffer.wrap(beta));
    NDArray x = manager.create(data, new Shape(B, C, T, H, W));
    boolean previous = JniUtils.isGradMode();
    JniUtils.setGradMode(gradients);
    float[] actual;
    try {
      actual = norm.forward(new ParameterStore(manager, false), x, false).toFloatArray();
    } finally {
      JniUtils.setGradMode(previous);
    }

    int perGroup = C / G;
    double maxError = 0;
    for (int b = 0; b < B; b++) {
      for (int g = 0; g < G; g++) {
        for (int frame = 0; frame < T; frame++) {
          // statistics over the group's channels and either this frame or every frame
          int t0 = scope == GroupNorm.Scope.FRAME ? frame : 0;
          int t1 = scope == GroupNorm.Scope.FRAME ? frame + 1 : T;
          double sum = 0;
          int n = 0;
          for (int c = g * perGroup; c < (g + 1) * perGroup; c++) {
            for (int t = t0; t < t1; t++) {
              for (int i = 0; i < H * W; i++) {
                sum += data[index(b, c, t, i)];
                n++;
              }
            }
          }
          double mean = sum / n;
          double squares = 0;
          for (int c = g * perGroup; c < (g + 1) * perGroup; c++) {
            for (int t = t0; t < t1; t++) {
              for (int i = 0; i < H * W; i++) {
                double d = data[index(b, c, t, i)] - mean;
                squares += d * d;
              }
            }
          }
          double std = Math.sqrt(squares / n + eps);
          for (int c = g * perGroup; c < (g + 1) * perGroup; c++) {
            for (int i = 0; i < H * W; i++) {
              int k = index(b, c, frame, i);
              double expected = (data[k] - mean) / std * gamma[c] + beta[c];
              maxError = Math.max(maxError, Math.abs(expected - actual[k]));
            }
          }
        }
      }
    }
    assertThat(maxError).isCloseTo(0, within(1e-5));
  }

  private static int index(int b, int c, int t, int hw) {
    return (((b * C + c) * T + t) * H * W) + hw;
  }
}
