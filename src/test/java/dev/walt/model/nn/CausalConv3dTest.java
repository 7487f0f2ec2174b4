package dev.walt.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CausalConv3dTest {

  private NDManager manager;
  private ParameterStore store;

  @BeforeEach
  void open() {
    Engine.getInstance().setRandomSeed(11);
    manager = NDManager.newBaseManager();
    store = new ParameterStore(manager, false);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void padsTimeOnTheLeftWithTheFirstFrame() {
    // a 1-channel 3x1x1 kernel (1, 10, 100): out[t] = x[t-2] + 10 x[t-1] + 100 x[t], x[<0] = x[0]
    CausalConv3d conv = new CausalConv3d(1, 1, new int[] {3, 1, 1}, new int[] {1, 1, 1});
    conv.initialize(manager);
    conv.getParameters().get("weight").getArray().set(FloatBuffer.wrap(new float[] {1, 10, 100}));
    NDArray x = manager.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 4, 1, 1));
    float[] y = conv.forward(store, x, false).toFloatArray();
    assertThat(y).containsExactly(111f, 1 + 10 + 200f, 1 + 20 + 300f, 2 + 30 + 400f);
  }

  @Test
  void strideTwoKeepsTheFirstFrameApart() {
    CausalConv3d conv = new CausalConv3d(2, 3, new int[] {3, 3, 3}, new int[] {2, 2, 2});
    conv.initialize(manager);
    NDArray x = manager.randomNormal(new Shape(1, 2, 9, 8, 8));
    NDArray y = conv.forward(store, x, false);
    assertThat(y.getShape()).isEqualTo(new Shape(1, 3, 5, 4, 4));
    assertThat(conv.outputShape(x.getShape())).isEqualTo(y.getShape());
    NDArray firstAlone = conv.forward(store, x.get(":, :, 0:1"), false);
    assertThat(y.get(":, :, 0:1").sub(firstAlone).abs().max().getFloat()).isLessThan(1e-6f);
    // output frame i sees input frames <= 2i: changing frame 3 leaves outputs 0 and 1 alone
    NDArray changed = x.duplicate();
    changed.set(new ai.djl.ndarray.index.NDIndex(":, :, 3"), 5f);
    NDArray y2 = conv.forward(store, changed, false);
    assertThat(y2.get(":, :, 0:2").sub(y.get(":, :, 0:2")).abs().max().getFloat()).isEqualTo(0f);
    assertThat(y2.get(":, :, 2").sub(y.get(":, :, 2")).abs().max().getFloat()).isGreaterThan(1e-3f);
  }

  @Test
  void countsFlopsExactly() {
    CausalConv3d conv = CausalConv3d.cube(4, 8, 3);
    // 8 x 5 x 6 x 6 outputs, each 4 * 27 multiply-adds (2 FLOPs) plus a bias
    assertThat(conv.flops(new Shape(1, 4, 5, 6, 6))).isEqualTo(8L * 5 * 6 * 6 * (2 * 4 * 27 + 1));
  }

  @Test
  void rejectsEvenSpatialKernels() {
    assertThatThrownBy(() -> new CausalConv3d(1, 1, new int[] {3, 2, 3}, new int[] {1, 1, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("odd");
  }
}
