package dev.walt.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.walt.model.FreedBuffers;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpsTest {

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
  void depthToSpacePlacesEveryChannelWhereDocumented() {
    int c = 2, rt = 2, rs = 2, t = 2, h = 3, w = 2;
    NDArray x = manager.arange(0f, (float) (c * rt * rs * rs * t * h * w)).reshape(1, c * rt * rs * rs, t, h, w);
    float[] in = x.toFloatArray();
    NDArray y = Ops.depthToSpace(x, rt, rs);
    assertThat(y.getShape()).isEqualTo(new Shape(1, c, t * rt, h * rs, w * rs));
    float[] out = y.toFloatArray();
    for (int ch = 0; ch < c; ch++) {
      for (int ti = 0; ti < t * rt; ti++) {
        for (int hi = 0; hi < h * rs; hi++) {
          for (int wi = 0; wi < w * rs; wi++) {
            int source = ((ch * rt + ti % rt) * rs + hi % rs) * rs + wi % rs;
            float expected = in[((source * t + ti / rt) * h + hi / rs) * w + wi / rs];
            assertThat(out[((ch * t * rt + ti) * h * rs + hi) * w * rs + wi]).isEqualTo(expected);
          }
        }
      }
    }
  }

  @Test
  void spaceToDepthInvertsDepthToSpace() {
    NDArray x = manager.randomNormal(new Shape(2, 3 * 4, 2, 3, 5));
    NDArray roundTrip = Ops.spaceToDepth(Ops.depthToSpace(x, 1, 2), 1, 2);
    assertThat(roundTrip.contentEquals(x)).isTrue();
    NDArray v = manager.randomNormal(new Shape(1, 3, 4, 4, 6));
    assertThat(Ops.depthToSpace(Ops.spaceToDepth(v, 2, 2), 2, 2).contentEquals(v)).isTrue();
  }

  @Test
  void siluIsXTimesSigmoid() {
    NDArray x = manager.create(new float[] {-2f, 0f, 1f, 3f});
    float[] y = Ops.silu(x).toFloatArray();
    float[] xs = {-2f, 0f, 1f, 3f};
    for (int i = 0; i < xs.length; i++) {
      assertThat((double) y[i]).isCloseTo(xs[i] / (1 + Math.exp(-xs[i])), within(1e-6));
    }
    assertThat(Ops.silu(x.toType(DataType.FLOAT32, false)).getDataType()).isEqualTo(DataType.FLOAT32);
  }

  /** The gradient of {@code sum(f(x))} at x, with the garbage collected between forward and backward. */
  private float[] gradientAcrossACollection(float[] at, UnaryOperator<NDArray> f) {
    NDArray x = manager.create(at);
    x.setRequiresGradient(true);
    try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
      NDArray y = f.apply(x).sum();
      FreedBuffers.collectAndReuse();
      collector.backward(y);
    }
    return x.getGradient().toFloatArray();
  }

  @Test
  void scalarOperationsKeepTheirConstantForTheBackwardPassAcrossAGarbageCollection() {
    // DJL's x.mul(0.25) gave gradients of -0.0 or 1.0 here: its constant's buffer was freed before backward
    for (int round = 0; round < 3; round++) {
      assertThat(gradientAcrossACollection(new float[] {1f, 2f, 3f}, x -> Ops.mul(x, 0.25)))
          .containsExactly(0.25f, 0.25f, 0.25f);
      assertThat(gradientAcrossACollection(new float[] {1f, 2f, 3f}, x -> Ops.div(x, 8)))
          .containsExactly(0.125f, 0.125f, 0.125f);
      assertThat(gradientAcrossACollection(new float[] {0.5f, 2f, 3f}, x -> Ops.maximum(x, 1.0).mul(x)))
          .containsExactly(1f, 4f, 6f);
    }
  }

  @Test
  void scalarOperationsWithGradientsOnGiveWhatDjlGives() {
    NDArray y = manager.create(new float[] {1.5f, -2f, 3.25f});
    NDArray h = y.toType(DataType.FLOAT16, false);
    float[] expected = y.mul(1 / Math.sqrt(3)).toFloatArray();
    float[] divided = y.div(7).toFloatArray();
    try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
      assertThat(Ops.mul(y, 1 / Math.sqrt(3)).toFloatArray()).containsExactly(expected);
      assertThat(Ops.div(y, 7).toFloatArray()).containsExactly(divided);
      assertThat(Ops.maximum(y, 0.0).toFloatArray()).containsExactly(1.5f, 0f, 3.25f);
      assertThat(Ops.mul(h, 0.5).getDataType()).isEqualTo(DataType.FLOAT16);
    }
  }
}
