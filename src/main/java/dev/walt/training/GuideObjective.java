package dev.walt.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.walt.model.diffusion.DdimSampler;
import dev.walt.model.diffusion.GaussianNoise;
import dev.walt.model.diffusion.NoiseSchedule;
import dev.walt.model.guide.CaptionGuide;
import dev.walt.model.text.WordTextEncoder;
import dev.walt.model.vae.CausalVae;
import dev.walt.world.Example;
import dev.walt.world.TrainingBatches;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Trains a first stage's {@link CaptionGuide} as a contrastive critic (CLIP's objective, Radford et al. 2021, one
 * direction): each step takes B scenes, each in every shape of the world (the same colour, size, place, motion and
 * background), all noised to one timestep, each scene's shapes with the same noise; every scene's caption is
 * scored against all B x S latents, and the loss is the cross-entropy of a softmax over them with the caption's
 * own scene in its own shape as the answer.
 *
 * <p>Both kinds of negative matter. The scene's other shapes differ from the answer only in the outline, so they
 * make the guide read the outline and the caption's shape word, which the denoiser has not learned to bind. The
 * other scenes differ in everything else: without them the score could add any function of what a scene's
 * candidates share (the background, the colour, the place) at no cost to the loss, and its gradient would push a
 * sample's background and colour about at random (measured: text-to-video colour 100 -> 92.5 %, background 100
 * -> 87.5 % at scale 1 with a guide trained on the scene's own shapes alone). With them the best score is {@code
 * log p(x_t | caption) / p(x_t)} up to a constant per caption, whose gradient is that of {@code log p(caption |
 * x_t)}: classifier guidance.
 *
 * <p>The autoencoder and the text encoder are frozen. The latents come from a pool of the training stream's first
 * scenes, each rendered in every shape and encoded once ({@link ScenePool}, {@value #FILE} in the work
 * folder); its last {@value #HELD} scenes are never drawn and measure the guide ({@link #accuracy}). The timestep
 * is drawn uniformly from those the sampler guides ({@code alphaBar_t >=} {@value
 * DdimSampler#MIN_GUIDED_ALPHA_BAR}); the caption from a training template with fresh synonyms at each draw.
 */
final class GuideObjective implements Objective {

  static final String FILE = "guide-pool.bin";
  /** Scenes at the end of the pool kept out of training, for {@link #accuracy}. */
  static final int HELD = 64;
  /** Gradient-ascent steps of an adversarial perturbation ({@link #withRobustness}). */
  static final int ATTACK_STEPS = 3;
  private static final dev.walt.world.Shape[] SHAPES = dev.walt.world.Shape.values();

  private final CaptionGuide guide;
  private final WordTextEncoder text;
  private final ScenePool pool;
  private final int batch;
  private final NoiseSchedule schedule = NoiseSchedule.walt();
  private final int lastGuided;
  private final NamedParameters parameters;
  private double robustness;

  GuideObjective(String stage, CaptionGuide guide, WordTextEncoder text, ScenePool pool, int batch) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    }
    if (pool.size() < HELD + batch) {
      throw new IllegalArgumentException(
          "the guide pool needs at least " + (HELD + batch) + " scenes (" + HELD + " held out), got " + pool.size());
    }
    this.guide = guide;
    this.text = text;
    this.pool = pool;
    this.batch = batch;
    int t = schedule.steps() - 1;
    while (t > 0 && schedule.alphaBar(t) < DdimSampler.MIN_GUIDED_ALPHA_BAR) {
      t--;
    }
    this.lastGuided = t;
    this.parameters = new NamedParameters().add(stage + "-guide", guide);
  }

  /**
   * Trains on adversarial perturbations of the latents of at most {@code rms} per value ({@link #attack}); 0 (the
   * default) on the latents as they are.
   */
  GuideObjective withRobustness(double rms) {
    if (!(rms >= 0 && rms <= 1)) {
      throw new IllegalArgumentException("the robustness radius must be in [0, 1], got " + rms);
    }
    this.robustness = rms;
    return this;
  }

  @Override
  public NamedParameters parameters() {
    return parameters;
  }

  @Override
  public NDArray loss(NDManager scope, long step, SplittableRandom random) {
    int[] scenes = new int[batch];
    for (int b = 0; b < batch; b++) {
      scenes[b] = random.nextInt(pool.size() - HELD);
    }
    NDArray scores = scores(scope, scenes, random.nextInt(lastGuided + 1), random, true); // (B, B * S)
    return crossEntropy(scope, scores, scenes);
  }

  /** The contrastive loss of {@code scores} (B, B * S): each caption's answer is its own scene in its own shape. */
  private NDArray crossEntropy(NDManager scope, NDArray scores, int[] scenes) {
    int batch = scenes.length;
    float[] answer = new float[batch * batch * SHAPES.length];
    for (int b = 0; b < batch; b++) {
      answer[b * batch * SHAPES.length + b * SHAPES.length + pool.example(scenes[b]).scene().shape().ordinal()] = 1f;
    }
    NDArray target = scope.create(answer, new Shape(batch, (long) batch * SHAPES.length));
    return scores.logSoftmax(1).mul(target).sum().neg().div((float) batch);
  }

  /**
   * The share of the held-out scenes whose caption's shape the guide scores highest among the scene's shapes,
   * with every scene noised to {@code timestep} (the same noise for all shapes of a scene).
   */
  double accuracy(NDManager manager, int timestep, long seed) {
    int[] scenes = new int[HELD];
    for (int i = 0; i < HELD; i++) {
      scenes[i] = pool.size() - HELD + i;
    }
    return Grad.off(() -> {
      try (NDManager scope = manager.newSubManager()) {
        float[] scores = scores(scope, scenes, timestep, new SplittableRandom(seed), false).toFloatArray();
        int right = 0;
        int columns = HELD * SHAPES.length;
        for (int i = 0; i < HELD; i++) {
          int best = 0;
          for (int s = 1; s < SHAPES.length; s++) {
            if (scores[i * columns + i * SHAPES.length + s] > scores[i * columns + i * SHAPES.length + best]) {
              best = s;
            }
          }
          right += best == pool.example(scenes[i]).scene().shape().ordinal() ? 1 : 0;
        }
        return right / (double) HELD;
      }
    });
  }

  /** The held-out accuracy at timesteps 100, 300, 500, 700 and 900 (those the sampler guides), as a line of text. */
  String accuracyReport(NDManager manager) {
    StringBuilder line = new StringBuilder("guide accuracy on " + HELD + " held-out scenes:");
    for (int t : new int[] {100, 300, 500, 700, 900}) {
      if (t <= lastGuided) {
        line.append(String.format(Locale.ROOT, " t %d %.1f %%", t, 100 * accuracy(manager, t, t)));
      }
    }
    return line.toString();
  }

  /**
   * Every scene's caption scored against every scene's latents in every shape, all noised to {@code timestep}
   * (each scene's shapes with the same noise): (B, B * S), column {@code j * S + s} scene j in shape s.
   */
  private NDArray scores(NDManager scope, int[] scenes, int timestep, SplittableRandom random, boolean training) {
    int n = scenes.length;
    List<String> captions = new ArrayList<>(n);
    for (int b = 0; b < n; b++) {
      captions.add(Captions.drawn(pool.example(scenes[b]).scene(), random));
    }
    NDArray z = pool.latents(scope, scenes); // (B * S, C, T, H, W), scene-major
    Shape clip = z.getShape().slice(1);
    NDArray eps = new GaussianNoise(random.nextLong()).next(scope, new Shape(n, 1).addAll(clip))
        .repeat(1, SHAPES.length).reshape(z.getShape());
    NDArray t = scope.full(new Shape(z.getShape().get(0)), (float) timestep);
    NDArray noisy = schedule.addNoise(z, eps, t);
    NDArray[] tokens = Captions.encode(text, scope, captions, 0, random, false);
    ParameterStore store = new ParameterStore(scope, false);
    if (training && robustness > 0) {
      noisy = noisy.add(attack(scope, scenes, noisy, t, tokens));
    }
    return guide.scores(guide.latentFeatures(store, noisy, t, training),
        guide.captionFeatures(store, tokens[0], tokens[1], training));
  }

  /**
   * Adversarial training (Madry et al. 2018): the perturbation of the latents, at most {@code robustness} in
   * root-mean-square per value (an L2 ball per latent), that {@value #ATTACK_STEPS} steps of normalised gradient
   * ascent find to raise the loss. A critic trained on such inputs cannot be fooled by small changes that do not
   * change what the latent shows, so its gradient points along changes that do (Santurkar et al. 2019); without
   * it, ascending a critic's score from a disc's latent raised the score twenty-fold and decoded to a disc.
   * The parameters' gradients of the attack's backward passes are cleared before the training loss is built.
   */
  private NDArray attack(NDManager scope, int[] scenes, NDArray noisy, NDArray t, NDArray[] tokens) {
    long n = noisy.getShape().get(0);
    double radius = robustness * Math.sqrt(noisy.getShape().size() / (double) n);
    ParameterStore store = new ParameterStore(scope, false);
    NDArray delta = scope.zeros(noisy.getShape());
    for (int k = 0; k < ATTACK_STEPS; k++) {
      delta.setRequiresGradient(true);
      NDArray scores = guide.scores(guide.latentFeatures(store, noisy.add(delta), t, false),
          guide.captionFeatures(store, tokens[0], tokens[1], false));
      NDArray loss = crossEntropy(scope, scores, scenes);
      JniUtils.backward((PtNDArray) loss, (PtNDArray) scope.ones(loss.getShape()), false, false);
      NDArray gradient = delta.getGradient().stopGradient();
      NDArray norm = gradient.reshape(n, -1).square().sum(new int[] {1}).sqrt().add(1e-12f).reshape(n, 1, 1, 1, 1);
      NDArray moved = delta.stopGradient().add(gradient.div(norm).mul((float) (2.5 * radius / ATTACK_STEPS)));
      NDArray length = moved.reshape(n, -1).square().sum(new int[] {1}).sqrt().reshape(n, 1, 1, 1, 1);
      delta = moved.mul(length.maximum((float) radius).pow(-1).mul((float) radius)); // back onto the ball
    }
    for (NDArray p : parameters.arrays()) {
      JniUtils.zeroGrad((PtNDArray) p);
    }
    return delta.stopGradient();
  }
}
