package dev.walt.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.walt.model.diffusion.GaussianNoise;
import dev.walt.model.guide.CaptionRefiner;
import dev.walt.model.text.WordTextEncoder;
import dev.walt.world.Frames;
import dev.walt.world.Scene;
import dev.walt.world.SceneRenderer;
import dev.walt.world.TrainingBatches;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * Trains a first stage's {@link CaptionRefiner} alone: from a frame that shows a scene with the wrong outline, or a
 * mixture of outlines, to the same frame in the caption's shape.
 *
 * <p>Each step takes B frames, each a random frame of a random scene of the training stream, rendered at the
 * stage's size in every shape of the world (the same colour, size, place and background). The target is the frame
 * in the scene's own shape; the input a mixture {@code sum_s w_s x_s} of its shapes, the weights one-hot on the
 * scene's own shape (a third of the draws: the refiner must leave a right outline alone), one-hot on another shape
 * (a third), or uniform on the simplex with each shape moved by up to {@value #MAX_SHIFT} pixels (a third: a ragged
 * blob between the outlines, as the base stage draws it). Then noise as the base stage's samples have it: Gaussian
 * per pixel of a level up to {@value #MAX_NOISE} and in blotches of 2 x 2 pixels up to {@value #MAX_BLOTCHES}.
 *
 * <p>The loss is the mean squared error with each pixel weighted by {@code 1 + }{@value #OUTLINE_WEIGHT}{@code
 *  d / mean(d)}, {@code d} how far the frame's shapes differ there: the outline is a small part of the frame.
 *
 * <p>With a {@link #withRedrawPool redraw pool}, a share of the frames are instead the stage's own redraws of
 * known scenes ({@link RedrawPool}): a ragged blob of the stage's drawing, often of another shape, at the scene's
 * place, with the scene in its caption's shape as the target. Those are the inputs the refiner meets in the cascade,
 * which rendered mixtures only approximate.
 *
 * <p>Scenes {@value #HELD_FROM} .. of the stream are never drawn; {@link #report} measures the refiner on 64 of them
 * (and on the redraw pool's held-out last eighth).
 */
final class CaptionRefinerObjective implements Objective {

  /** The first scene index kept out of training. */
  static final long HELD_FROM = 1_000_000;
  static final int HELD = 64;
  static final double MAX_NOISE = 0.15;
  static final double MAX_BLOTCHES = 0.3;
  static final int MAX_SHIFT = 2;
  static final double OUTLINE_WEIGHT = 3;
  static final double MIN_CONTRAST = 0.25;
  private static final dev.walt.world.Shape[] SHAPES = dev.walt.world.Shape.values();

  private final CaptionRefiner refiner;
  private final WordTextEncoder text;
  private final TrainingBatches data;
  private final int batch;
  private final int resolution;
  private final int frames;
  private final NamedParameters parameters;
  private @Nullable RedrawPool pool;
  private double poolShare;
  private double ownInputShare;
  private double fadeShare;

  /**
   * @param resolution the stage's frame size
   * @param frames frames of the stage's clips (a frame is drawn from them)
   */
  CaptionRefinerObjective(String stage, CaptionRefiner refiner, WordTextEncoder text, TrainingBatches data,
      int batch, int resolution, int frames) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    }
    this.refiner = refiner;
    this.text = text;
    this.data = data;
    this.batch = batch;
    this.resolution = resolution;
    this.frames = frames;
    this.parameters = new NamedParameters().add(stage + "-caption-refiner", refiner);
  }

  /**
   * Takes a share of each step's frames from {@code pool}: the stage's own redraws of known scenes, with the
   * scene in its caption's shape as the target and no noise added. The pool's last eighth is held out for {@link
   * #report}.
   */
  CaptionRefinerObjective withRedrawPool(RedrawPool pool, double share) {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("the redraw share must be in [0, 1], got " + share);
    }
    if (pool.frames() != frames || pool.side() != resolution) {
      throw new IllegalArgumentException("the redraw pool has " + pool.frames() + " frames of " + pool.side() + " px a"
          + " clip, the stage " + frames + " of " + resolution);
    }
    if (trainingClips(pool) < 1) {
      throw new IllegalArgumentException("a redraw pool of " + pool.size() + " clips leaves none to train on");
    }
    this.pool = pool;
    this.poolShare = share;
    return this;
  }

  /**
   * In a share of the steps, passes the inputs through the refiner itself first, once or twice (without
   * gradients), so that it learns to go on from its own output: the cascade can then run it more than once
   * ({@code "passes"} of its config) without drifting.
   */
  CaptionRefinerObjective withOwnInputs(double share) {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("the own-input share must be in [0, 1], got " + share);
    }
    this.ownInputShare = share;
    return this;
  }

  /**
   * Fades a share of the rendered inputs towards their background, the object kept at a contrast uniform in
   * [{@value #MIN_CONTRAST}, 1]: the stage sometimes draws a faint object, which the refiner must strengthen, not
   * take for noise and erase (run more than once, it otherwise loses such objects).
   */
  CaptionRefinerObjective withFading(double share) {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("the faded share must be in [0, 1], got " + share);
    }
    this.fadeShare = share;
    return this;
  }

  /** Clips {@code 0 .. n-1} of the pool are trained on, the rest (an eighth) held out. */
  private static int trainingClips(RedrawPool pool) {
    return pool.size() - pool.size() / 8;
  }

  @Override
  public NamedParameters parameters() {
    return parameters;
  }

  @Override
  public NDArray loss(NDManager scope, long step, SplittableRandom random) {
    long[] scenes = new long[batch];
    for (int b = 0; b < batch; b++) {
      scenes[b] = random.nextLong(HELD_FROM);
    }
    int[] redraws = new int[batch];
    java.util.Arrays.fill(redraws, -1);
    if (pool != null) {
      for (int b = 0; b < batch; b++) {
        redraws[b] = random.nextDouble() < poolShare ? random.nextInt(trainingClips(pool)) : -1;
      }
    }
    Batch drawn = draw(scope, scenes, redraws, random, null);
    NDArray input = drawn.input;
    if (ownInputShare > 0 && random.nextDouble() < ownInputShare) {
      int before = 1 + random.nextInt(2);
      input = Grad.off(() -> {
        NDArray x = drawn.input;
        for (int pass = 0; pass < before; pass++) {
          x = refiner.refine(new ParameterStore(scope, false), x, drawn.tokens, drawn.mask, false);
        }
        return x;
      });
    }
    NDArray refined = refiner.refine(new ParameterStore(scope, false), input, drawn.tokens, drawn.mask, true);
    NDArray weight = drawn.outline.div(drawn.outline.mean().add(1e-8f)).mul((float) OUTLINE_WEIGHT).add(1f);
    return refined.sub(drawn.target).square().mul(weight).mean().div(weight.mean());
  }

  /** How an input is made from the frame's shapes. */
  enum Kind { OWN, OTHER, MIXTURE, AVERAGE }

  /** A step's inputs and targets (B, 3, 1, H, W), caption tokens, and outline maps (B, 1, 1, H, W). */
  private record Batch(
      NDArray input, NDArray target, NDArray tokens, NDArray mask, NDArray shapes, List<Scene> scenes,
      NDArray outline) {}

  /**
   * The frames of {@code scenes}, or where {@code redraws[b] >= 0} of that clip of the redraw pool (its redrawn
   * frame the input as it is, its scene in its own shape the target); {@code kind} null draws each input's kind,
   * frame and noise, else all are {@code kind} on the middle frame without noise.
   */
  private Batch draw(NDManager scope, long[] indices, int[] redraws, SplittableRandom random, @Nullable Kind kind) {
    int n = indices.length;
    int pixels = 3 * resolution * resolution;
    float[] rendered = new float[n * SHAPES.length * pixels];
    float[] own = new float[n * SHAPES.length];
    float[] mix = new float[n * SHAPES.length];
    float[] level = new float[n];
    float[] blotches = new float[n];
    float[] contrast = new float[n];
    java.util.Arrays.fill(contrast, 1f); // a redrawn frame (no mixture) must come through as it is
    float[] background = new float[n * 3];
    float[] redrawn = new float[n * pixels];
    List<String> captions = new ArrayList<>(n);
    List<Scene> scenes = new ArrayList<>(n);
    for (int b = 0; b < n; b++) {
      RedrawPool from = redraws[b] >= 0 ? pool : null;
      Scene scene = from != null ? from.example(redraws[b]).scene() : data.videoExamples(indices[b], 1).get(0).scene();
      scenes.add(scene);
      int t = kind == null ? random.nextInt(frames) : frames / 2;
      if (from != null) {
        from.frame(redraws[b], t, redrawn, b * pixels);
      }
      for (int s = 0; s < SHAPES.length; s++) {
        Frames.toArray(List.of(SceneRenderer.renderFrame(scene.withShape(SHAPES[s]), t, resolution)), rendered,
            (b * SHAPES.length + s) * pixels);
      }
    }
    float[] all = rendered.clone(); // the inputs' copy: a mixture's shapes move
    for (int b = 0; b < n; b++) {
      int truth = scenes.get(b).shape().ordinal();
      own[b * SHAPES.length + truth] = 1f;
      if (redraws[b] >= 0) {
        captions.add(pool.example(redraws[b]).caption()); // the caption it was redrawn with; no mixture, no noise
        continue;
      }
      captions.add(Captions.drawn(scenes.get(b), random));
      Kind k = kind != null ? kind : Kind.values()[random.nextInt(3)];
      if (k == Kind.MIXTURE) {
        for (int s = 0; s < SHAPES.length; s++) {
          shift(all, (b * SHAPES.length + s) * pixels, resolution, random.nextInt(2 * MAX_SHIFT + 1) - MAX_SHIFT,
              random.nextInt(2 * MAX_SHIFT + 1) - MAX_SHIFT);
        }
      }
      switch (k) {
        case OWN -> mix[b * SHAPES.length + truth] = 1f;
        case OTHER -> mix[b * SHAPES.length + (truth + 1 + random.nextInt(SHAPES.length - 1)) % SHAPES.length] = 1f;
        case MIXTURE -> {
          double[] e = new double[SHAPES.length];
          double sum = 0;
          for (int s = 0; s < SHAPES.length; s++) {
            e[s] = -Math.log(1 - random.nextDouble()); // Dirichlet(1, ..., 1): uniform on the simplex
            sum += e[s];
          }
          for (int s = 0; s < SHAPES.length; s++) {
            mix[b * SHAPES.length + s] = (float) (e[s] / sum);
          }
        }
        case AVERAGE -> java.util.Arrays.fill(mix, b * SHAPES.length, (b + 1) * SHAPES.length, 1f / SHAPES.length);
      }
      level[b] = kind == null ? (float) (random.nextDouble() * MAX_NOISE) : 0f;
      blotches[b] = kind == null ? (float) (random.nextDouble() * MAX_BLOTCHES) : 0f;
      if (kind == null && fadeShare > 0 && random.nextDouble() < fadeShare) {
        contrast[b] = (float) (MIN_CONTRAST + (1 - MIN_CONTRAST) * random.nextDouble());
      }
    }
    NDArray mixed = scope.create(all, new Shape(n, SHAPES.length, 3, 1, resolution, resolution));
    Shape weights = new Shape(n, SHAPES.length, 1, 1, 1, 1);
    for (int b = 0; b < n; b++) {
      dev.walt.world.Rgb bg = scenes.get(b).background().rgb();
      background[3 * b] = Frames.value(bg.r());
      background[3 * b + 1] = Frames.value(bg.g());
      background[3 * b + 2] = Frames.value(bg.b());
    }
    NDArray flat = scope.create(background, new Shape(n, 3, 1, 1, 1));
    NDArray input = mixed.mul(scope.create(mix, weights)).sum(new int[] {1}).sub(flat)
        .mul(scope.create(contrast, new Shape(n, 1, 1, 1, 1))).add(flat)
        .add(scope.create(redrawn, new Shape(n, 3, 1, resolution, resolution)));
    NDArray shapes = scope.create(rendered, mixed.getShape());
    NDArray target = shapes.mul(scope.create(own, weights)).sum(new int[] {1});
    long noiseSeed = random.nextLong();
    if (kind == null) { // a fixed kind has no noise
      GaussianNoise noise = new GaussianNoise(noiseSeed);
      Shape perSample = new Shape(n, 1, 1, 1, 1);
      input = input.add(noise.next(scope, target.getShape()).mul(scope.create(level, perSample)))
          .add(noise.next(scope, new Shape(n, 3, 1, resolution / 2, resolution / 2)).repeat(3, 2).repeat(4, 2)
              .mul(scope.create(blotches, perSample)));
    }
    NDArray[] tokens = Captions.encode(text, scope, captions, 0, random, false);
    NDArray outline = shapes.sub(shapes.mean(new int[] {1}, true)).square().sum(new int[] {1}).sum(new int[] {1}, true);
    return new Batch(input, target, tokens[0], tokens[1], shapes, scenes, outline);
  }

  /**
   * Moves the frame (3, size, size) at {@code offset} of {@code pixels} by (dx, dy), the edge pixels repeated into
   * the space it leaves (the background is flat).
   */
  private static void shift(float[] pixels, int offset, int size, int dx, int dy) {
    if (dx == 0 && dy == 0) {
      return;
    }
    float[] copy = java.util.Arrays.copyOfRange(pixels, offset, offset + 3 * size * size);
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < size; y++) {
        int sy = Math.min(size - 1, Math.max(0, y - dy));
        for (int x = 0; x < size; x++) {
          int sx = Math.min(size - 1, Math.max(0, x - dx));
          pixels[offset + (c * size + y) * size + x] = copy[(c * size + sy) * size + sx];
        }
      }
    }
  }

  /**
   * On the held-out scenes' middle frames, for inputs of {@code kind}: the share whose refined frame is nearest (in
   * squared distance) to the frame in the scene's own shape among its shapes, and the same for the input itself.
   */
  double[] nearestShape(NDManager manager, Kind kind) {
    return nearestShare(manager, HELD, -1, kind);
  }

  /** {@link #nearestShape} on the middle frames of the redraw pool's held-out clips (its last eighth). */
  double[] nearestShapeRedrawn(NDManager manager) {
    if (pool == null || pool.size() == trainingClips(pool)) {
      throw new IllegalStateException("no held-out redraws");
    }
    int first = trainingClips(pool);
    return nearestShare(manager, pool.size() - first, first, Kind.OWN);
  }

  /** The shares over {@code count} held-out scenes, or redraw pool clips from {@code firstRedraw} when >= 0. */
  private double[] nearestShare(NDManager manager, int count, int firstRedraw, Kind kind) {
    return Grad.off(() -> {
      int[] right = new int[2];
      for (int start = 0; start < count; start += batch) {
        long[] part = new long[Math.min(batch, count - start)];
        int[] redraws = new int[part.length];
        for (int i = 0; i < part.length; i++) {
          part[i] = HELD_FROM + start + i;
          redraws[i] = firstRedraw < 0 ? -1 : firstRedraw + start + i;
        }
        try (NDManager scope = manager.newSubManager()) {
          Batch drawn = draw(scope, part, redraws, new SplittableRandom(start), kind);
          NDArray refined =
              refiner.refine(new ParameterStore(scope, false), drawn.input, drawn.tokens, drawn.mask, false);
          right[0] += nearest(drawn, refined);
          right[1] += nearest(drawn, drawn.input);
        }
      }
      return new double[] {right[0] / (double) count, right[1] / (double) count};
    });
  }

  /** How many of {@code frames} are nearest to their scene's own shape among the batch's shapes. */
  private static int nearest(Batch drawn, NDArray frames) {
    int n = drawn.scenes.size();
    float[] d = drawn.shapes.reshape(n, SHAPES.length, -1).sub(frames.reshape(n, 1, -1)).square()
        .sum(new int[] {2}).toFloatArray();
    int right = 0;
    for (int b = 0; b < n; b++) {
      int best = 0;
      for (int s = 1; s < SHAPES.length; s++) {
        best = d[b * SHAPES.length + s] < d[b * SHAPES.length + best] ? s : best;
      }
      right += best == drawn.scenes.get(b).shape().ordinal() ? 1 : 0;
    }
    return right;
  }

  /** The held-out report printed at export: the nearest-shape share for each kind of input, refined and not. */
  String report(NDManager manager) {
    StringBuilder line = new StringBuilder("caption refiner on " + HELD + " held-out scenes, output (input) nearest"
        + " to the caption's shape:");
    for (Kind kind : List.of(Kind.AVERAGE, Kind.OTHER, Kind.OWN)) {
      double[] share = nearestShape(manager, kind);
      line.append(String.format(Locale.ROOT, " %s %.1f %% (%.1f %%)", kind.name().toLowerCase(Locale.ROOT),
          100 * share[0], 100 * share[1]));
    }
    if (pool != null && pool.size() > trainingClips(pool)) {
      double[] share = nearestShapeRedrawn(manager);
      line.append(String.format(Locale.ROOT, "; the stage's redraws (%d held-out pool clips) %.1f %% (%.1f %%)",
          pool.size() - trainingClips(pool), 100 * share[0], 100 * share[1]));
    }
    return line.toString();
  }
}
