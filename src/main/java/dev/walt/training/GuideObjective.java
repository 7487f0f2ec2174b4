package dev.walt.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.walt.model.diffusion.DdimSampler;
import dev.walt.model.diffusion.GaussianNoise;
import dev.walt.model.diffusion.NoiseSchedule;
import dev.walt.model.guide.CaptionGuide;
import dev.walt.model.text.WordTextEncoder;
import dev.walt.model.vae.CausalVae;
import dev.walt.world.Captions;
import dev.walt.world.Example;
import dev.walt.world.Frames;
import dev.walt.world.SceneRenderer;
import dev.walt.world.Split;
import dev.walt.world.Template;
import dev.walt.world.TrainingBatches;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Trains a first stage's {@link CaptionGuide} as a critic: for a scene and its caption, the latents of the same
 * scene with the object in each shape of the world, noised to the same timestep with the same noise, are scored
 * against the caption, and the loss is the cross-entropy of a softmax over them with the caption's shape as the
 * answer. Everything else (colour, place, size, motion, background, noise) is common to the candidates, so only
 * the outline and the caption's shape word can tell them apart; the guide's gradient then points from the other
 * shapes towards the caption's.
 *
 * <p>The autoencoder and the text encoder are frozen. The latents come from a pool of the training stream's first
 * clips, each rendered and encoded once per shape ({@value #FILE} in the work folder, with a fingerprint of the
 * autoencoder and of the scenes); its last {@value #HELD} scenes are never drawn and measure the guide ({@link
 * #accuracy}). Timesteps are drawn uniformly from those the sampler guides ({@code alphaBar_t >=} {@value
 * DdimSampler#MIN_GUIDED_ALPHA_BAR}); the caption from a training template with fresh synonyms at each draw.
 */
final class GuideObjective implements Objective {

  static final String FILE = "guide-pool.bin";
  /** Scenes at the end of the pool kept out of training, for {@link #accuracy}. */
  static final int HELD = 64;
  private static final int MAGIC = 0x57475031; // "WGP1"
  private static final dev.walt.world.Shape[] SHAPES = dev.walt.world.Shape.values();

  private final CaptionGuide guide;
  private final WordTextEncoder text;
  private final Pool pool;
  private final int batch;
  private final NoiseSchedule schedule = NoiseSchedule.walt();
  private final int lastGuided;
  private final NamedParameters parameters;

  GuideObjective(String stage, CaptionGuide guide, WordTextEncoder text, Pool pool, int batch) {
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

  @Override
  public NamedParameters parameters() {
    return parameters;
  }

  @Override
  public NDArray loss(NDManager scope, long step, SplittableRandom random) {
    int[] scenes = new int[batch];
    int[] timesteps = new int[batch];
    for (int b = 0; b < batch; b++) {
      scenes[b] = random.nextInt(pool.size() - HELD);
      timesteps[b] = random.nextInt(lastGuided + 1);
    }
    return crossEntropy(scope, scenes, timesteps, random, true);
  }

  /**
   * The share of the held-out scenes whose caption's shape the guide scores highest, with every scene noised to
   * {@code timestep} (the same noise for all shapes of a scene).
   */
  double accuracy(NDManager manager, int timestep, long seed) {
    int[] scenes = new int[HELD];
    int[] timesteps = new int[HELD];
    for (int i = 0; i < HELD; i++) {
      scenes[i] = pool.size() - HELD + i;
      timesteps[i] = timestep;
    }
    return Grad.off(() -> {
      try (NDManager scope = manager.newSubManager()) {
        NDArray logits = logits(scope, scenes, timesteps, new SplittableRandom(seed), false);
        long[] picked = logits.argMax(1).toLongArray();
        int right = 0;
        for (int i = 0; i < HELD; i++) {
          right += picked[i] == pool.example(scenes[i]).scene().shape().ordinal() ? 1 : 0;
        }
        return right / (double) HELD;
      }
    });
  }

  /** The held-out accuracy at timesteps 100, 300, 500, 700 and 900, as a line of text. */
  String accuracyReport(NDManager manager) {
    StringBuilder line = new StringBuilder("guide accuracy on " + HELD + " held-out scenes:");
    for (int t : new int[] {100, 300, 500, 700, 900}) {
      if (t <= lastGuided) {
        line.append(String.format(Locale.ROOT, " t %d %.1f %%", t, 100 * accuracy(manager, t, t)));
      }
    }
    return line.toString();
  }

  private NDArray crossEntropy(NDManager scope, int[] scenes, int[] timesteps, SplittableRandom random,
      boolean training) {
    NDArray logits = logits(scope, scenes, timesteps, random, training); // (B, S)
    float[] answer = new float[scenes.length * SHAPES.length];
    for (int b = 0; b < scenes.length; b++) {
      answer[b * SHAPES.length + pool.example(scenes[b]).scene().shape().ordinal()] = 1f;
    }
    NDArray target = scope.create(answer, new Shape(scenes.length, SHAPES.length));
    return logits.logSoftmax(1).mul(target).sum().neg().div((float) scenes.length);
  }

  /** Scores (B, S) of each scene's shapes against its caption. */
  private NDArray logits(NDManager scope, int[] scenes, int[] timesteps, SplittableRandom random, boolean training) {
    int n = scenes.length;
    int shapes = SHAPES.length;
    List<String> captions = new ArrayList<>(n * shapes);
    List<Template> templates = Captions.templates(Split.TRAIN, false);
    float[] steps = new float[n * shapes];
    for (int b = 0; b < n; b++) {
      String caption =
          Captions.caption(pool.example(scenes[b]).scene(), templates.get(random.nextInt(templates.size())), random);
      for (int s = 0; s < shapes; s++) {
        captions.add(caption);
        steps[b * shapes + s] = timesteps[b];
      }
    }
    NDArray z = pool.latents(scope, scenes); // (B * S, C, T, H, W), scene-major
    Shape clip = z.getShape().slice(1);
    NDArray eps = new GaussianNoise(random.nextLong()).next(scope, new Shape(n, 1).addAll(clip))
        .repeat(1, shapes).reshape(z.getShape());
    NDArray t = scope.create(steps);
    NDArray noisy = schedule.addNoise(z, eps, t);
    NDArray[] tokens = dev.walt.training.Captions.encode(text, scope, captions, 0, random, false);
    return guide.score(new ParameterStore(scope, false), noisy, t, tokens[0], tokens[1], training).reshape(n, shapes);
  }

  /** Each scene of the training stream's first clips, rendered in every shape and encoded once. */
  static final class Pool {

    private final List<Example> examples;
    private final float[][] latents; // [scene * S + shape]
    private final Shape clipShape;

    private Pool(List<Example> examples, float[][] latents, Shape clipShape) {
      this.examples = examples;
      this.latents = latents;
      this.clipShape = clipShape;
    }

    int size() {
      return examples.size();
    }

    Example example(int i) {
      return examples.get(i);
    }

    /** Latents (n * S, C, T, H, W) of scenes {@code picked}, each scene's shapes in {@link dev.walt.world.Shape} order. */
    NDArray latents(NDManager scope, int[] picked) {
      int length = latents[0].length;
      float[] z = new float[picked.length * SHAPES.length * length];
      for (int b = 0; b < picked.length; b++) {
        for (int s = 0; s < SHAPES.length; s++) {
          System.arraycopy(latents[picked[b] * SHAPES.length + s], 0, z, (b * SHAPES.length + s) * length, length);
        }
      }
      return scope.create(z, new Shape((long) picked.length * SHAPES.length).addAll(clipShape));
    }

    /**
     * The pool of {@code size} scenes at {@code resolution}: read from {@code file} when it holds this one,
     * else encoded (reporting each finished scene) and saved there.
     */
    static Pool open(Path file, CausalVae vae, NDManager manager, TrainingBatches data, int size, int resolution,
        int frames, IntConsumer progress) throws IOException {
      if (size < 1) {
        throw new IllegalArgumentException("the guide pool needs at least one scene, got " + size);
      }
      List<Example> examples = data.videoExamples(0, size);
      double fingerprint = LatentPool.weightsFingerprint(vae);
      long scenes = LatentPool.sceneFingerprint(examples);
      if (Files.isRegularFile(file)) {
        Pool read = read(file, examples, resolution, frames, fingerprint, scenes);
        if (read != null) {
          return read;
        }
      }
      float[][] latents = new float[size * SHAPES.length][];
      Shape clipShape = null;
      int pixels = 3 * frames * resolution * resolution;
      for (int i = 0; i < size; i++) {
        float[] clips = new float[SHAPES.length * pixels];
        for (int s = 0; s < SHAPES.length; s++) {
          Frames.toArray(SceneRenderer.render(examples.get(i).scene().withShape(SHAPES[s]), 0, frames, resolution),
              clips, s * pixels);
        }
        try (NDManager scope = manager.newSubManager()) {
          NDArray z = DiffusionLoss.encodeFrozen(vae, scope, clips,
              new Shape(SHAPES.length, 3, frames, resolution, resolution));
          clipShape = z.getShape().slice(1);
          float[] all = z.toFloatArray();
          int length = all.length / SHAPES.length;
          for (int s = 0; s < SHAPES.length; s++) {
            latents[i * SHAPES.length + s] = java.util.Arrays.copyOfRange(all, s * length, (s + 1) * length);
          }
        }
        progress.accept(i + 1);
      }
      Pool pool = new Pool(examples, latents, clipShape);
      pool.write(file, resolution, frames, fingerprint, scenes);
      return pool;
    }

    private void write(Path file, int resolution, int frames, double fingerprint, long scenes) throws IOException {
      Files.createDirectories(file.getParent());
      Path partial = file.resolveSibling(file.getFileName() + ".partial");
      try (var out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(partial)))) {
        out.writeInt(MAGIC);
        out.writeInt(examples.size());
        out.writeInt(resolution);
        out.writeInt(frames);
        out.writeDouble(fingerprint);
        out.writeLong(scenes);
        for (long d : clipShape.getShape()) {
          out.writeLong(d);
        }
        ByteBuffer buffer = ByteBuffer.allocate(latents[0].length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] latent : latents) {
          buffer.clear();
          buffer.asFloatBuffer().put(latent);
          out.write(buffer.array());
        }
      }
      Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Pool read(Path file, List<Example> examples, int resolution, int frames, double fingerprint,
        long scenes) throws IOException {
      try (var in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
        if (in.readInt() != MAGIC || in.readInt() != examples.size() || in.readInt() != resolution
            || in.readInt() != frames || in.readDouble() != fingerprint || in.readLong() != scenes) {
          return null;
        }
        long[] dims = new long[4];
        for (int i = 0; i < dims.length; i++) {
          dims[i] = in.readLong();
        }
        Shape clipShape = new Shape(dims);
        byte[] bytes = new byte[Math.toIntExact(clipShape.size() * 4)];
        float[][] latents = new float[examples.size() * SHAPES.length][];
        for (int i = 0; i < latents.length; i++) {
          in.readFully(bytes);
          latents[i] = new float[bytes.length / 4];
          ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(latents[i]);
        }
        return new Pool(examples, latents, clipShape);
      } catch (java.io.EOFException e) {
        return null;
      }
    }
  }
}
