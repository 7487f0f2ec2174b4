package dev.walt.model.guide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.walt.model.RefinerConfig;
import dev.walt.model.diffusion.GaussianNoise;
import dev.walt.model.diffusion.TextConditioning;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.extension.ExtendWith(dev.walt.model.SingleThreadedTorch.class)
class CaptionRefinerTest {

  private static final Shape LATENT = new Shape(2, 4, 3, 8, 8);

  private NDManager manager;
  private CaptionRefiner refiner;
  private NDArray latent;
  private NDArray tokens;
  private NDArray mask;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
    manager.getEngine().setRandomSeed(7);
    refiner = new CaptionRefiner(new RefinerConfig(16, 4), 4, 12);
    refiner.initialize(manager);
    GaussianNoise noise = new GaussianNoise(3);
    latent = noise.next(manager, LATENT);
    tokens = noise.next(manager, new Shape(2, 5, 12));
    mask = manager.create(new float[] {1, 1, 1, 0, 0, 1, 1, 1, 1, 1}, new Shape(2, 5));
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private float[] refine(NDArray latent, NDArray tokens) {
    return refiner.refine(latent, new TextConditioning(tokens, mask, null, null)).toFloatArray();
  }

  @Test
  void anUntrainedRefinerReturnsItsInputExactly() {
    refiner.zeroOutput();
    assertThat(refine(latent, tokens)).containsExactly(latent.toFloatArray());
  }

  @Test
  void theCaptionChangesTheOutputButItsPaddingDoesNot() {
    float[] out = refine(latent, tokens);
    assertThat(out).hasSize((int) LATENT.size());
    float[] in = latent.toFloatArray();
    double moved = 0;
    for (int i = 0; i < in.length; i++) {
      moved += Math.abs(out[i] - in[i]);
    }
    assertThat(moved / in.length).as("an initialised refiner adds something").isGreaterThan(1e-4);
    // sample 0's tokens 3 and 4 are padding: changing them changes nothing
    NDArray padded = tokens.duplicate();
    padded.set(new ai.djl.ndarray.index.NDIndex("0, 3:"), 5f);
    assertThat(refine(latent, padded)).containsExactly(out);
    // a real token of sample 0 changes sample 0 only
    NDArray other = tokens.duplicate();
    other.set(new ai.djl.ndarray.index.NDIndex("0, 1"), 2f);
    float[] changed = refine(latent, other);
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
  void aLatentFrameDependsOnlyOnItselfAndTheFramesBefore() {
    float[] out = refine(latent, tokens);
    NDArray later = latent.duplicate();
    later.set(new ai.djl.ndarray.index.NDIndex(":, :, 2"), 3f);
    NDArray changed = refiner.refine(later, new TextConditioning(tokens, mask, null, null));
    NDArray before = manager.create(out, LATENT);
    assertThat(changed.get(":, :, :2").toFloatArray()).containsExactly(before.get(":, :, :2").toFloatArray());
    assertThat(changed.get(":, :, 2:").sub(before.get(":, :, 2:")).abs().max().getFloat()).isGreaterThan(0f);
  }

  @Test
  void refusesLatentsAndTokensOfTheWrongShape() {
    ParameterStore store = new ParameterStore(manager, false);
    assertThatThrownBy(() -> refiner.refine(store, manager.zeros(new Shape(2, 3, 3, 8, 8)), tokens, mask, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(B, 4, T, H, W)");
    assertThatThrownBy(() -> refiner.refine(store, latent, manager.zeros(new Shape(2, 5, 10)), mask, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokens must be (2, K, 12)");
    assertThatThrownBy(() -> refiner.refine(store, latent, manager.zeros(new Shape(1, 5, 12)), mask, false))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
