package dev.walt.model.vae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.walt.eval.Psnr;
import dev.walt.eval.Upsampling;
import dev.walt.model.RefinerConfig;
import dev.walt.video.Clip;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.extension.ExtendWith(dev.walt.model.SingleThreadedTorch.class)
class InputRefinerTest {

  private static NDManager manager;

  @BeforeAll
  static void open() {
    Engine.getInstance().setRandomSeed(11);
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  private static InputRefiner refiner(boolean trainedLike) {
    InputRefiner refiner = new InputRefiner(new RefinerConfig(8, 3), 2);
    refiner.initialize(manager);
    refiner.zeroOutput();
    if (trainedLike) {
      for (var pair : refiner.getParameters()) {
        NDArray array = pair.getValue().getArray();
        array.set(manager.randomNormal(0, 0.2f, array.getShape(), array.getDataType()).toFloatArray());
      }
    }
    return refiner;
  }

  /** A random RGB video (B, 3, T, side, side) in [-1, 1]. */
  private static NDArray video(int batch, int frames, int side) {
    return manager.randomUniform(-1f, 1f, new Shape(batch, 3, frames, side, side));
  }

  @Test
  void bicubicResamplingWeightsSumToOneAndReproduceAStraightLineInside() {
    float[] m = InputRefiner.bicubicMatrix(8, 16);
    for (int o = 0; o < 16; o++) {
      double sum = 0;
      double position = 0;
      for (int i = 0; i < 8; i++) {
        sum += m[o * 8 + i];
        position += m[o * 8 + i] * i;
      }
      assertThat(sum).as("row %d", o).isCloseTo(1.0, within(1e-6));
      if (o >= 3 && o < 12) { // away from the repeated edge pixels a cubic of Keys' family keeps a line a line
        assertThat(position).as("row %d", o).isCloseTo((o + 0.5) / 2 - 0.5, within(1e-6));
      }
    }
  }

  @Test
  void theUpsamplingIsJava2dsBicubicUpsampling() {
    // the baseline the evaluator compares each super-resolution stage with
    SplittableRandom random = new SplittableRandom(3);
    BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        image.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    Clip low = new Clip(List.of(image), 8);
    NDArray up = refiner(false).upsample(manager.create(low.toRgb(), new Shape(1, 3, 1, 16, 16)));
    Clip ours = Clip.fromRgb(up.toFloatArray(), 1, 32, 32, 8);
    double psnr = Psnr.of(Upsampling.bicubic(List.of(image), 32, 32), ours.frames());
    assertThat(psnr).isGreaterThan(40); // random pixels: the hardest case for any difference in the kernel
  }

  @Test
  void anUntrainedRefinerReturnsTheBicubicUpsamplingOfItsInputWhateverItIsGiven() {
    InputRefiner refiner = refiner(false);
    NDArray low = video(2, 5, 8);
    NDArray decoded = video(2, 5, 16);
    NDArray refined = refiner.refine(decoded, low);
    assertThat(refined.getShape()).isEqualTo(new Shape(2, 3, 5, 16, 16));
    assertThat(refined.sub(refiner.upsample(low)).abs().max().getFloat()).isEqualTo(0f);
  }

  @Test
  void eachOutputFrameDependsOnItsOwnFramesOnly() {
    InputRefiner refiner = refiner(true);
    NDArray low = video(1, 4, 8);
    NDArray decoded = video(1, 4, 16);
    NDArray before = refiner.refine(decoded, low);
    NDArray changed = decoded.duplicate();
    changed.set(new ai.djl.ndarray.index.NDIndex(":, :, 2"), manager.randomUniform(-1f, 1f, new Shape(1, 3, 16, 16)));
    NDArray after = refiner.refine(changed, low);
    for (int t = 0; t < 4; t++) {
      float difference = after.get(":, :, " + t).sub(before.get(":, :, " + t)).abs().max().getFloat();
      if (t == 2) {
        assertThat(difference).isGreaterThan(1e-3f);
      } else {
        assertThat(difference).as("frame %d", t).isEqualTo(0f);
      }
    }
    // and the decoded video matters once trained (it is not bicubic upsampling any more)
    assertThat(before.sub(refiner.upsample(low)).abs().max().getFloat()).isGreaterThan(1e-3f);
  }

  @Test
  void refusesVideosThatDoNotFit() {
    InputRefiner refiner = refiner(false);
    assertThatThrownBy(() -> refiner.refine(manager.zeros(new Shape(1, 3, 2, 16, 16)), manager.zeros(new Shape(1, 3, 2, 4, 4))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(1, 3, 2, 16, 16)")
        .hasMessageContaining("(1, 3, 2, 8, 8)");
    assertThatThrownBy(() -> new InputRefiner(new RefinerConfig(8, 2), 0)).hasMessage("factor must be >= 1, got 0");
  }
}
