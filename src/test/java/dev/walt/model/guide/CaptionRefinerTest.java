package dev.walt.model.guide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.walt.model.CaptionRefinerConfig;
import dev.walt.model.diffusion.GaussianNoise;
import dev.walt.model.diffusion.TextConditioning;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.extension.ExtendWith(dev.walt.model.SingleThreadedTorch.class)
class CaptionRefinerTest {

  private static final Shape VIDEO = new Shape(2, 3, 3, 8, 8);

  private NDManager manager;
  private CaptionRefiner refiner;
  private NDArray video;
  private NDArray tokens;
  private NDArray mask;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
    manager.getEngine().setRandomSeed(7);
    refiner = new CaptionRefiner(new CaptionRefinerConfig(8, 2, 1), 12);
    refiner.initialize(manager);
    GaussianNoise noise = new GaussianNoise(3);
    video = noise.next(manager, VIDEO);
    tokens = noise.next(manager, new Shape(2, 5, 12));
    mask = manager.create(new float[] {1, 1, 1, 0, 0, 1, 1, 1, 1, 1}, new Shape(2, 5));
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private float[] refine(NDArray video, NDArray tokens) {
    return refiner.refine(video, new TextConditioning(tokens, mask, null, null)).toFloatArray();
  }

  @Test
  void anUntrainedRefinerReturnsItsInputExactly() {
    refiner.zeroOutput();
    assertThat(refine(video, tokens)).containsExactly(video.toFloatArray());
  }

  @Test
  void theCaptionChangesTheOutputButItsPaddingDoesNot() {
    float[] out = refine(video, tokens);
    assertThat(out).hasSize((int) VIDEO.size());
    float[] in = video.toFloatArray();
    double moved = 0;
    for (int i = 0; i < in.length; i++) {
      moved += Math.abs(out[i] - in[i]);
    }
    assertThat(moved / in.length).as("an initialised refiner adds something").isGreaterThan(1e-4);
    // sample 0's tokens 3 and 4 are padding: changing them changes nothing
    NDArray padded = tokens.duplicate();
    padded.set(new ai.djl.ndarray.index.NDIndex("0, 3:"), 5f);
    assertThat(refine(video, padded)).containsExactly(out);
    // a real token of sample 0 changes sample 0 only
    NDArray other = tokens.duplicate();
    other.set(new ai.djl.ndarray.index.NDIndex("0, 1"), 2f);
    float[] changed = refine(video, other);
    int half = out.length / 2;
    assertThat(java.util.Arrays.copyOfRange(changed, half, out.length))
        .containsExactly(java.util.Arrays.copyOfRange(out, half, out.length));
    double diff = 0;
    for (int i = 0; i < half; i++) {
      diff += Math.abs(changed[i] - out[i]);
    }
    assertThat(diff / half).isGreaterThan(1e-5);
  }

  @Test
  void eachFrameIsRefinedOnItsOwn() {
    float[] out = refine(video, tokens);
    NDArray changed = video.duplicate();
    changed.set(new ai.djl.ndarray.index.NDIndex(":, :, 1"), 0.5f);
    NDArray refined = refiner.refine(changed, new TextConditioning(tokens, mask, null, null));
    NDArray before = manager.create(out, VIDEO);
    for (String frame : new String[] {":, :, 0", ":, :, 2"}) {
      assertThat(refined.get(frame).toFloatArray()).as(frame).containsExactly(before.get(frame).toFloatArray());
    }
    assertThat(refined.get(":, :, 1").sub(before.get(":, :, 1")).abs().max().getFloat()).isGreaterThan(0f);
  }

  @Test
  void eachPassWorksOnTheOutputOfThePassBefore() {
    manager.getEngine().setRandomSeed(7);
    CaptionRefiner thrice = new CaptionRefiner(new CaptionRefinerConfig(8, 2, 3), 12);
    thrice.initialize(manager);
    for (var pair : refiner.getParameters()) { // the same weights as the one-pass refiner
      thrice.getParameters().get(pair.getKey()).getArray().set(pair.getValue().getArray().toFloatArray());
    }
    ParameterStore store = new ParameterStore(manager, false);
    NDArray expected = video;
    for (int pass = 0; pass < 3; pass++) {
      expected = refiner.refine(store, expected, tokens, mask, false);
    }
    float[] once = refine(video, tokens);
    float[] out = thrice.refine(video, new TextConditioning(tokens, mask, null, null)).toFloatArray();
    assertThat(out).containsExactly(expected.toFloatArray());
    assertThat(out).isNotEqualTo(once);
    assertThatThrownBy(() -> new CaptionRefinerConfig(8, 2, 0))
        .hasMessage("caption refiner passes must be in 1..8, got 0");
    assertThatThrownBy(() -> new CaptionRefinerConfig(8, 2, 9))
        .hasMessage("caption refiner passes must be in 1..8, got 9");
    assertThatThrownBy(() -> new CaptionRefinerConfig(8, 0, 1))
        .hasMessage("caption refiner layers must be in 1..32, got 0");
    assertThatThrownBy(() -> new CaptionRefinerConfig(0, 2, 1))
        .hasMessage("caption refiner channels must be in 1..512, got 0");
  }

  @Test
  void refusesVideosAndTokensOfTheWrongShape() {
    ParameterStore store = new ParameterStore(manager, false);
    assertThatThrownBy(() -> refiner.refine(store, manager.zeros(new Shape(2, 4, 3, 8, 8)), tokens, mask, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(B, 3, T, H, W) with H and W multiples of 4");
    assertThatThrownBy(() -> refiner.refine(store, manager.zeros(new Shape(2, 3, 3, 6, 8)), tokens, mask, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiples of 4");
    assertThatThrownBy(() -> refiner.refine(store, video, manager.zeros(new Shape(2, 5, 10)), mask, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokens must be (2, K, 12)");
    assertThatThrownBy(() -> refiner.refine(store, video, manager.zeros(new Shape(1, 5, 12)), mask, false))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
