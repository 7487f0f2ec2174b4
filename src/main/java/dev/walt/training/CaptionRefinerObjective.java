package dev.walt.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.walt.model.diffusion.DenoiserInput;
import dev.walt.model.diffusion.GaussianNoise;
import dev.walt.model.diffusion.NoiseSchedule;
import dev.walt.model.guide.CaptionRefiner;
import dev.walt.model.text.WordTextEncoder;
import dev.walt.model.transformer.WaltTransformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Trains a first stage's {@link CaptionRefiner} alone: from a latent that shows a scene with the wrong outline, or
 * a mixture of outlines, to the latent of the same scene in the caption's shape.
 *
 * <p>Each step takes B scenes of a {@link ScenePool} (each scene encoded in every shape). The target is the scene
 * in its own shape. The input is one of:
 * <ul>
 *   <li>with probability {@code estimates}, the stage's own one-step estimate of the scene (its denoiser, frozen,
 *       self-conditioned as in sampling, with the caption) from the target noised to a timestep in {@value
 *       #ESTIMATE_FROM}..{@value #ESTIMATE_TO}, where the place, colour and motion survive the noise and the outline
 *       does not: the ragged blob the stage draws;</li>
 *   <li>else a mixture {@code sum_s w_s z_s} of the scene's shapes plus Gaussian noise of a level up to {@value
 *       #MAX_NOISE}, the weights one-hot on the scene's own shape (a third of the draws: the refiner must leave a
 *       right outline alone), one-hot on another shape (a third), or uniform on the simplex (a third).</li>
 * </ul>
 *
 * <p>The loss is the mean squared error to the target with each latent position weighted by {@code 1 +
 * }{@value #OUTLINE_WEIGHT}{@code  d / mean(d)}, {@code d} how far the scene's shapes differ there (squared
 * distance to their mean over channels): the outline is a few percent of the positions, and unweighted its share of
 * the loss is small beside the noise the refiner also removes.
 *
 * <p>The last {@value GuideObjective#HELD} scenes of the pool are never drawn; {@link #report} measures the
 * refiner on them.
 */
final class CaptionRefinerObjective implements Objective {

  static final String FILE = "scene-pool.bin";
  static final int ESTIMATE_FROM = 300;
  static final int ESTIMATE_TO = 650;
  static final double MAX_NOISE = 0.3;
  static final double OUTLINE_WEIGHT = 3;
  private static final int SHAPES = dev.walt.world.Shape.values().length;

  private final CaptionRefiner refiner;
  private final WordTextEncoder text;
  private final WaltTransformer denoiser;
  private final ScenePool pool;
  private final int batch;
  private final double estimates;
  private final NoiseSchedule schedule = NoiseSchedule.walt();
  private final NamedParameters parameters;

  /**
   * @param denoiser the stage's transformer (frozen), for the inputs that are its estimates
   * @param estimates share of the inputs that are the denoiser's one-step estimates, in [0, 1]
   */
  CaptionRefinerObjective(String stage, CaptionRefiner refiner, WordTextEncoder text, WaltTransformer denoiser,
      ScenePool pool, int batch, double estimates) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    }
    if (!(estimates >= 0 && estimates <= 1)) {
      throw new IllegalArgumentException("the share of estimates must be in [0, 1], got " + estimates);
    }
    if (pool.size() < GuideObjective.HELD + batch) {
      throw new IllegalArgumentException("the scene pool needs at least " + (GuideObjective.HELD + batch)
          + " scenes (" + GuideObjective.HELD + " held out), got " + pool.size());
    }
    this.refiner = refiner;
    this.text = text;
    this.denoiser = denoiser;
    this.pool = pool;
    this.batch = batch;
    this.estimates = estimates;
    this.parameters = new NamedParameters().add(stage + "-caption-refiner", refiner);
  }

  @Override
  public NamedParameters parameters() {
    return parameters;
  }

  @Override
  public NDArray loss(NDManager scope, long step, SplittableRandom random) {
    int[] scenes = new int[batch];
    for (int b = 0; b < batch; b++) {
      scenes[b] = random.nextInt(pool.size() - GuideObjective.HELD);
    }
    Batch drawn = draw(scope, scenes, random, null);
    NDArray refined = refiner.refine(new ParameterStore(scope, false), drawn.input, drawn.tokens, drawn.mask, true);
    NDArray weight = drawn.outline.div(drawn.outline.mean().add(1e-8f)).mul((float) OUTLINE_WEIGHT).add(1f);
    return refined.sub(drawn.target).square().mul(weight).mean().div(weight.mean());
  }

  /** A step's inputs, targets, caption tokens and outline maps (B, 1, T, H, W). */
  private record Batch(NDArray input, NDArray target, NDArray tokens, NDArray mask, NDArray outline) {}

  /**
   * The batch of {@code scenes}; {@code kind} null draws each input's kind, else every input is {@link Kind}
   * {@code kind}.
   */
  private Batch draw(NDManager scope, int[] scenes, SplittableRandom random, Kind kind) {
    int n = scenes.length;
    NDArray all = pool.latents(scope, scenes); // (n * S, C, T, H, W)
    Shape clip = all.getShape().slice(1);
    NDArray shapes = all.reshape(new Shape(n, SHAPES).addAll(clip));
    float[] own = new float[n * SHAPES];
    float[] mix = new float[n * SHAPES];
    float[] level = new float[n];
    List<String> captions = new ArrayList<>(n);
    List<Integer> estimated = new ArrayList<>();
    for (int b = 0; b < n; b++) {
      int truth = pool.example(scenes[b]).scene().shape().ordinal();
      own[b * SHAPES + truth] = 1f;
      captions.add(Captions.drawn(pool.example(scenes[b]).scene(), random));
      Kind k = kind != null ? kind : random.nextDouble() < estimates ? Kind.ESTIMATE : Kind.values()[random.nextInt(3)];
      switch (k) {
        case OWN -> mix[b * SHAPES + truth] = 1f;
        case OTHER -> mix[b * SHAPES + (truth + 1 + random.nextInt(SHAPES - 1)) % SHAPES] = 1f;
        case MIXTURE -> {
          double[] e = new double[SHAPES];
          double sum = 0;
          for (int s = 0; s < SHAPES; s++) {
            e[s] = -Math.log(1 - random.nextDouble()); // Dirichlet(1, ..., 1): uniform on the simplex
            sum += e[s];
          }
          for (int s = 0; s < SHAPES; s++) {
            mix[b * SHAPES + s] = (float) (e[s] / sum);
          }
        }
        case AVERAGE -> java.util.Arrays.fill(mix, b * SHAPES, (b + 1) * SHAPES, 1f / SHAPES);
        case ESTIMATE -> estimated.add(b);
      }
      level[b] = k == Kind.ESTIMATE || kind != null ? 0f : (float) (random.nextDouble() * MAX_NOISE);
    }
    Shape weights = new Shape(n, SHAPES, 1, 1, 1, 1);
    NDArray target = shapes.mul(scope.create(own, weights)).sum(new int[] {1});
    NDArray noise = new GaussianNoise(random.nextLong()).next(scope, target.getShape());
    NDArray input = shapes.mul(scope.create(mix, weights)).sum(new int[] {1})
        .add(noise.mul(scope.create(level, new Shape(n, 1, 1, 1, 1))));
    NDArray[] tokens = Captions.encode(text, scope, captions, 0, random, false);
    if (!estimated.isEmpty()) {
      input = withEstimates(scope, input, target, tokens, estimated, random);
    }
    NDArray spread = shapes.sub(shapes.mean(new int[] {1}, true)).square().sum(new int[] {1}); // (n, C, T, H, W)
    NDArray outline = spread.sum(new int[] {1}, true);
    return new Batch(input, target, tokens[0], tokens[1], outline);
  }

  /** How an input is made from the scene's latents. */
  enum Kind { OWN, OTHER, MIXTURE, AVERAGE, ESTIMATE }

  /** {@code input} with the rows {@code rows} replaced by the denoiser's estimates of their targets. */
  private NDArray withEstimates(NDManager scope, NDArray input, NDArray target, NDArray[] tokens, List<Integer> rows,
      SplittableRandom random) {
    int[] picked = rows.stream().mapToInt(Integer::intValue).toArray();
    int t = ESTIMATE_FROM + random.nextInt(ESTIMATE_TO - ESTIMATE_FROM + 1);
    NDArray estimate = Grad.off(() -> {
      NDArray x0 = take(target, picked);
      NDArray xt = schedule.addNoise(x0, new GaussianNoise(random.nextLong()).next(scope, x0.getShape()), t);
      NDArray time = scope.full(new Shape(picked.length), (float) t);
      NDArray tok = take(tokens[0], picked);
      NDArray mask = take(tokens[1], picked);
      NDArray first = schedule.x0FromV(xt,
          denoiser.predictV(new DenoiserInput(xt, time, null, tok, mask, null, null, null, null, false)), t);
      NDArray second = denoiser.predictV(new DenoiserInput(xt, time, first, tok, mask, null, null, null, null, false));
      return schedule.x0FromV(xt, second, t).stopGradient();
    });
    NDList rowsOut = new NDList();
    for (int b = 0, e = 0; b < input.getShape().get(0); b++) {
      rowsOut.add(e < picked.length && picked[e] == b ? estimate.get(e++).expandDims(0) : input.get(b).expandDims(0));
    }
    return NDArrays.concat(rowsOut, 0);
  }

  private static NDArray take(NDArray array, int[] rows) {
    NDList picked = new NDList();
    for (int row : rows) {
      picked.add(array.get(row).expandDims(0));
    }
    return NDArrays.concat(picked, 0);
  }

  /**
   * On the held-out scenes, for inputs of {@code kind}: the share whose refined latent is nearest (in squared
   * distance) to the scene's own shape among its shapes, and the same for the input itself.
   */
  double[] nearestShape(NDManager manager, Kind kind, long seed) {
    int[] scenes = new int[GuideObjective.HELD];
    for (int i = 0; i < scenes.length; i++) {
      scenes[i] = pool.size() - GuideObjective.HELD + i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    return Grad.off(() -> {
      int[] right = new int[2];
      for (int start = 0; start < scenes.length; start += batch) {
        int[] part = java.util.Arrays.copyOfRange(scenes, start, Math.min(scenes.length, start + batch));
        try (NDManager scope = manager.newSubManager()) {
          Batch drawn = draw(scope, part, random, kind);
          NDArray refined =
              refiner.refine(new ParameterStore(scope, false), drawn.input, drawn.tokens, drawn.mask, false);
          NDArray shapes = pool.latents(scope, part);
          right[0] += nearest(shapes, refined, part);
          right[1] += nearest(shapes, drawn.input, part);
        }
      }
      return new double[] {right[0] / (double) scenes.length, right[1] / (double) scenes.length};
    });
  }

  /** How many of {@code latents} are nearest to their scene's own shape among {@code shapes} (n * S, ...). */
  private int nearest(NDArray shapes, NDArray latents, int[] scenes) {
    int n = scenes.length;
    NDArray distances = shapes.reshape(n, SHAPES, -1).sub(latents.reshape(n, 1, -1)).square().sum(new int[] {2});
    float[] d = distances.toFloatArray();
    int right = 0;
    for (int b = 0; b < n; b++) {
      int best = 0;
      for (int s = 1; s < SHAPES; s++) {
        best = d[b * SHAPES + s] < d[b * SHAPES + best] ? s : best;
      }
      right += best == pool.example(scenes[b]).scene().shape().ordinal() ? 1 : 0;
    }
    return right;
  }

  /** The held-out report printed at export: the nearest-shape share for each kind of input, refined and not. */
  String report(NDManager manager) {
    StringBuilder line = new StringBuilder("caption refiner on " + GuideObjective.HELD + " held-out scenes, "
        + "output (input) nearest to the caption's shape:");
    for (Kind kind : List.of(Kind.AVERAGE, Kind.OTHER, Kind.OWN, Kind.ESTIMATE)) {
      double[] share = nearestShape(manager, kind, kind.ordinal());
      line.append(String.format(Locale.ROOT, " %s %.1f %% (%.1f %%)", kind.name().toLowerCase(Locale.ROOT),
          100 * share[0], 100 * share[1]));
    }
    return line.toString();
  }
}
