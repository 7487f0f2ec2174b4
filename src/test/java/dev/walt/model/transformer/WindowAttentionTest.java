package dev.walt.model.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.walt.model.transformer.TransformerConfig.QkNorm;
import dev.walt.model.transformer.TransformerConfig.Window;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Window attention against a dense reference computed here on the host, in double precision: full
 * N x N scores over all tokens of a sample with a block-diagonal window mask, the same relative
 * position bias (looked up by 3D offset), the text keys and their padding mask.
 */
class WindowAttentionTest {

  private static final int B = 2;
  private static final int T = 2;
  private static final int H = 4;
  private static final int W = 6;
  private static final int D = 8;
  private static final int HEADS = 2;
  private static final int K = 3;

  /** Configured window 4x2x3 (clamped to 2x2x3 on T = 2): 12 windows of 12 tokens per sample. */
  private static final Window WINDOW = new Window(4, 2, 3);

  @ParameterizedTest
  @EnumSource(QkNorm.class)
  void windowsWithTextEqualDenseMaskedAttention(QkNorm qkNorm) {
    check(qkNorm, true, null);
  }

  @Test
  void withoutTextEqualsDenseMaskedAttention() {
    check(QkNorm.RMS, false, null);
  }

  @Test
  void identityMaskEqualsDenseAttentionMaskedToFrames() {
    check(QkNorm.RMS, true, new boolean[] {true, false});
    check(QkNorm.NONE, false, new boolean[] {true, true});
  }

  private void check(QkNorm qkNorm, boolean withText, boolean @Nullable [] imageSet) {
    try (NDManager manager = NDManager.newBaseManager()) {
      WindowAttention attention = new WindowAttention(D, HEADS, WINDOW, qkNorm, true);
      attention.initialize(manager, DataType.FLOAT32);
      TestWeights.randomize(attention, 11, 0.4);
      SplittableRandom random = new SplittableRandom(5);
      NDArray x = manager.create(new float[B * T * H * W * D], new Shape(B, T, H, W, D));
      TestWeights.randomize(x, random, 1.0);
      NDArray text = null;
      NDArray textMask = null;
      if (withText) {
        text = manager.create(new float[B * K * D], new Shape(B, K, D));
        TestWeights.randomize(text, random, 1.0);
        textMask = manager.create(new float[] {1, 1, 0, 1, 0, 0}, new Shape(B, K)); // sample 0: 2 real, sample 1: 1
      }
      NDArray out = attention.forward(new ParameterStore(manager, false), x, text, textMask, imageSet, false);
      assertEquals(new Shape(B, T, H, W, D), out.getShape());

      double[] expected = reference(attention, qkNorm, x.toFloatArray(), withText ? text.toFloatArray() : null,
          withText ? textMask.toFloatArray() : null, imageSet);
      float[] actual = out.toFloatArray();
      for (int i = 0; i < actual.length; i++) {
        assertEquals(expected[i], actual[i], 1e-5, "element " + i);
      }
    }
  }

  /** Dense attention per sample: every token against every token (+ text), masked to its window. */
  private static double[] reference(
      WindowAttention attention, QkNorm qkNorm, float[] x, float @Nullable [] text, float @Nullable [] textMask,
      boolean @Nullable [] imageSet) {
    float[] wQkv = attention.getParameters().get("01qkv_weight").getArray().toFloatArray(); // (3D, D)
    float[] bQkv = attention.getParameters().get("01qkv_bias").getArray().toFloatArray();
    float[] wProj = attention.getParameters().get("02proj_weight").getArray().toFloatArray();
    float[] bProj = attention.getParameters().get("02proj_bias").getArray().toFloatArray();
    float[] table = attention.getParameters().get("relativeBias").getArray().toFloatArray(); // (h, L)
    float[] gq = qkNorm == QkNorm.RMS ? attention.getParameters().get("03queryNorm_weight").getArray().toFloatArray() : null;
    float[] gk = qkNorm == QkNorm.RMS ? attention.getParameters().get("04keyNorm_weight").getArray().toFloatArray() : null;
    float[] cos = qkNorm == QkNorm.L2 ? attention.getParameters().get("cosineScale").getArray().toFloatArray() : null;
    int dh = D / HEADS;
    int n = T * H * W;
    int tableSize = (2 * WINDOW.frames() - 1) * (2 * WINDOW.height() - 1) * (2 * WINDOW.width() - 1);
    int wt = Math.min(WINDOW.frames(), T);
    int wh = WINDOW.height();
    int ww = WINDOW.width();
    int k = text == null ? 0 : K;
    double[] result = new double[B * n * D];
    for (int b = 0; b < B; b++) {
      double[][] qkv = new double[n + k][];
      for (int i = 0; i < n; i++) {
        qkv[i] = affine(wQkv, bQkv, x, (b * n + i) * D, 3 * D, D);
      }
      for (int j = 0; j < k; j++) {
        qkv[n + j] = affine(wQkv, bQkv, text, (b * K + j) * D, 3 * D, D);
      }
      double[] merged = new double[n * D];
      for (int head = 0; head < HEADS; head++) {
        double[][] q = new double[n][];
        double[][] key = new double[n + k][];
        double[][] val = new double[n + k][];
        for (int i = 0; i < n + k; i++) {
          key[i] = normalize(slice(qkv[i], D + head * dh, dh), qkNorm, gk);
          val[i] = slice(qkv[i], 2 * D + head * dh, dh);
          if (i < n) {
            q[i] = normalize(slice(qkv[i], head * dh, dh), qkNorm, gq);
            double scale = qkNorm == QkNorm.L2 ? cos[head] : 1.0 / Math.sqrt(dh);
            for (int c = 0; c < dh; c++) {
              q[i][c] *= scale;
            }
          }
        }
        for (int i = 0; i < n; i++) {
          int ti = i / (H * W);
          int yi = (i / W) % H;
          int xi = i % W;
          double[] scores = new double[n + k];
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j < n + k; j++) {
            boolean allowed;
            double bias = 0;
            if (j < n) {
              int tj = j / (H * W);
              int yj = (j / W) % H;
              int xj = j % W;
              allowed = ti / wt == tj / wt && yi / wh == yj / wh && xi / ww == xj / ww;
              if (imageSet != null && imageSet[b] && ti != tj) {
                allowed = false;
              }
              int offset = ((ti - tj + WINDOW.frames() - 1) * (2 * WINDOW.height() - 1) + (yi - yj + WINDOW.height() - 1))
                  * (2 * WINDOW.width() - 1) + (xi - xj + WINDOW.width() - 1);
              if (allowed) {
                bias = table[head * tableSize + offset];
              }
            } else {
              allowed = textMask[b * K + (j - n)] > 0;
            }
            scores[j] = allowed ? dot(q[i], key[j]) + bias : Double.NEGATIVE_INFINITY;
            max = Math.max(max, scores[j]);
          }
          double sum = 0;
          for (int j = 0; j < n + k; j++) {
            scores[j] = Math.exp(scores[j] - max);
            sum += scores[j];
          }
          for (int j = 0; j < n + k; j++) {
            for (int c = 0; c < dh; c++) {
              merged[i * D + head * dh + c] += scores[j] / sum * val[j][c];
            }
          }
        }
      }
      for (int i = 0; i < n; i++) {
        double[] projected = affine(wProj, bProj, merged, i * D, D, D);
        System.arraycopy(projected, 0, result, (b * n + i) * D, D);
      }
    }
    return result;
  }

  private static double[] normalize(double[] v, QkNorm qkNorm, float @Nullable [] gamma) {
    if (qkNorm == QkNorm.NONE) {
      return v;
    }
    double[] out = new double[v.length];
    double norm = 0;
    for (double value : v) {
      norm += value * value;
    }
    if (qkNorm == QkNorm.RMS) {
      double rms = Math.sqrt(norm / v.length + 1e-6);
      for (int i = 0; i < v.length; i++) {
        out[i] = v[i] / rms * gamma[i];
      }
    } else {
      double l2 = Math.max(Math.sqrt(norm), 1e-6);
      for (int i = 0; i < v.length; i++) {
        out[i] = v[i] / l2;
      }
    }
    return out;
  }

  private static double[] affine(float[] weight, float[] bias, float[] in, int offset, int out, int inDim) {
    double[] r = new double[out];
    for (int o = 0; o < out; o++) {
      double s = bias[o];
      for (int i = 0; i < inDim; i++) {
        s += (double) weight[o * inDim + i] * in[offset + i];
      }
      r[o] = s;
    }
    return r;
  }

  private static double[] affine(float[] weight, float[] bias, double[] in, int offset, int out, int inDim) {
    double[] r = new double[out];
    for (int o = 0; o < out; o++) {
      double s = bias[o];
      for (int i = 0; i < inDim; i++) {
        s += weight[o * inDim + i] * in[offset + i];
      }
      r[o] = s;
    }
    return r;
  }

  private static double[] slice(double[] v, int from, int length) {
    double[] r = new double[length];
    System.arraycopy(v, from, r, 0, length);
    return r;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  @Test
  void chunkedQueriesGiveTheSameResultAsOneChunk() {
    try (NDManager manager = NDManager.newBaseManager()) {
      SplittableRandom random = new SplittableRandom(9);
      NDArray q = manager.zeros(new Shape(1, 2, 3, 50, 8));
      NDArray k = manager.zeros(new Shape(1, 2, 3, 53, 8));
      NDArray v = manager.zeros(new Shape(1, 2, 3, 53, 8));
      NDArray bias = manager.zeros(new Shape(1, 1, 3, 50, 53));
      for (NDArray a : new NDArray[] {q, k, v, bias}) {
        TestWeights.randomize(a, random, 1.0);
      }
      float[] whole = WindowAttention.attend(q, k, v, bias, Long.MAX_VALUE).toFloatArray();
      float[] chunked = WindowAttention.attend(q, k, v, bias, 2 * 3 * 53 * 7).toFloatArray(); // 7 queries a chunk
      assertArrayEquals(whole, chunked, 1e-6f);
    }
  }

  @Test
  void gridNotDivisibleByTheWindowIsRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Window(5, 8, 8).fit(5, 12, 16));
    assertEquals("token grid 5x12x16 is not divisible by window 5x8x8", e.getMessage());
    assertEquals(new Window(1, 8, 8), new Window(5, 8, 8).fit(1, 16, 8));
  }
}
