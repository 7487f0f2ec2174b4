package dev.walt.model.guide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.walt.model.GuideConfig;
import dev.walt.model.diffusion.GaussianNoise;
import dev.walt.model.diffusion.TextConditioning;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.extension.ExtendWith(dev.walt.model.SingleThreadedTorch.class)
class CaptionGuideTest {

  private static final Shape LATENT = new Shape(2, 4, 3, 8, 8);

  private NDManager manager;
  private CaptionGuide guide;
  private NDArray tokens;
  private NDArray mask;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
    manager.getEngine().setRandomSeed(7);
    guide = new CaptionGuide(new GuideConfig(16, 2.0), 4, 12);
    guide.initialize(manager);
    GaussianNoise noise = new GaussianNoise(3);
    tokens = noise.next(manager, new Shape(2, 5, 12));
    mask = manager.create(new float[] {1, 1, 1, 0, 0, 1, 1, 1, 1, 1}, new Shape(2, 5));
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private double score(NDArray x, int t, NDArray tokens, int sample) {
    NDArray steps = manager.full(new Shape(x.getShape().get(0)), (float) t);
    return guide.score(new ParameterStore(manager, false), x, steps, tokens, mask, false).getFloat(sample);
  }

  @Test
  void theGradientIsTheScoresDerivativeInEveryDirection() {
    boolean previous = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      NDArray x = new GaussianNoise(11).next(manager, LATENT);
      NDArray gradient = guide.gradient(x, 400, new TextConditioning(tokens, mask, null, null));
      assertThat(gradient.getShape()).isEqualTo(LATENT);
      assertThat(JniUtils.isGradMode()).as("the caller's gradient mode is restored").isFalse();
      assertThat(gradient.abs().max().getFloat()).isGreaterThan(0f);
      // central differences along random directions, per sample (each sample's score depends on its latent only)
      GaussianNoise directions = new GaussianNoise(5);
      double h = 1e-2;
      for (int k = 0; k < 3; k++) {
        NDArray d = directions.next(manager, LATENT);
        for (int b = 0; b < 2; b++) {
          NDArray only = d.mul(manager.create(new float[] {b == 0 ? 1 : 0, b == 1 ? 1 : 0}).reshape(2, 1, 1, 1, 1));
          double numeric = (score(x.add(only.mul(h)), 400, tokens, b) - score(x.sub(only.mul(h)), 400, tokens, b)) / (2 * h);
          double analytic = gradient.mul(only).sum().getFloat();
          assertThat(analytic).as("direction %d, sample %d", k, b).isCloseTo(numeric, org.assertj.core.data.Offset.offset(
              2e-3 * Math.max(1, Math.abs(numeric))));
        }
      }
    } finally {
      JniUtils.setGradMode(previous);
    }
  }

  @Test
  void paddedTokensDoNotCountAndTheTimestepDoes() {
    NDArray x = new GaussianNoise(12).next(manager, LATENT);
    NDArray changed = tokens.duplicate();
    changed.set(new ai.djl.ndarray.index.NDIndex("0, 3:"), 5f); // sample 0's padding
    assertThat(score(x, 300, changed, 0)).isEqualTo(score(x, 300, tokens, 0));
    NDArray word = tokens.duplicate();
    word.set(new ai.djl.ndarray.index.NDIndex("0, 1"), 5f); // a real token of sample 0
    assertThat(score(x, 300, word, 0)).isNotEqualTo(score(x, 300, tokens, 0));
    assertThat(score(x, 300, word, 1)).as("sample 1 is its own").isEqualTo(score(x, 300, tokens, 1));
    assertThat(score(x, 100, tokens, 0)).isNotEqualTo(score(x, 800, tokens, 0));
    assertThat(guide.scale()).isEqualTo(2.0);
  }

  @Test
  void tokensOfAnotherWidthAreRefused() {
    NDArray x = new GaussianNoise(12).next(manager, LATENT);
    assertThatThrownBy(() -> score(x, 300, manager.zeros(new Shape(2, 5, 8)), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(M, K, 12)");
  }
}
