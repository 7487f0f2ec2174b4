package dev.walt.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.walt.model.StageConfig;
import dev.walt.model.WaltModel;
import dev.walt.model.pipeline.WaltPipeline;
import dev.walt.model.vae.InputRefiner;
import dev.walt.video.Clip;
import dev.walt.world.Batch;
import dev.walt.world.Example;
import dev.walt.world.Frames;
import dev.walt.world.TrainingBatches;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Trains a super-resolution stage's {@link InputRefiner}: the mean squared error between the refined output and
 * the ground truth at the stage's size, on whole frames.
 *
 * <p>The refiner corrects what the stage's sampler and the decoder give, so it learns from exactly that: a pool
 * of clips {@code 0 .. n-1} of the training stream, each rendered at the stage's size (the target) and at the
 * previous stage's (the input), with the stage's own decoded sample from that input ({@link
 * WaltPipeline#superResolveParts}, its default steps and noise augmentation, the clip's caption). In the cascade
 * the input is the previous stage's sample, decoded, with its flaws (speckle on a flat background, a ragged
 * outline), which the stage's sampler cleans up and a refiner trained only on clean inputs would copy: so three
 * clips in four take their input from their latent with Gaussian noise of a random level up to {@code
 * latentNoise} added, decoded, and the stage samples from that noisy latent. Sampling is
 * the expensive part (about 2 s a clip at 128 px on two CPU threads), so the pool is made once and kept in the
 * work folder ({@value #FILE}, 8 bits per value, as the frames of a video are), with a fingerprint of the
 * model's weights and of the scenes: a pool made by another model or from other clips is made again.
 *
 * <p>Each step draws {@code batch} frames at random from the pool (any clip, any frame; the refiner works per
 * frame).
 */
final class RefinerObjective implements Objective {

  static final String FILE = "refiner-pool.bin";
  private static final int MAGIC = 0x57524632; // "WRF2"
  /** Every CLEAN_EVERY-th clip of a pool (0, 4, 8, ...) has the clean input; the others a noisy one. */
  private static final int CLEAN_EVERY = 4;

  private final InputRefiner refiner;
  private final NamedParameters parameters;
  private final Pool pool;
  private final int batch;
  private double cleanShare = -1;

  RefinerObjective(String stage, InputRefiner refiner, Pool pool, int batch) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    }
    this.refiner = refiner;
    this.parameters = new NamedParameters().add(stage + "-refiner", refiner);
    this.pool = pool;
    this.batch = batch;
  }

  /**
   * Draws the clips with the clean input with probability {@code share} (the others uniformly among the noisy
   * ones) instead of all clips alike, where a quarter are clean: the balance between keeping a clean input's
   * detail and cleaning a sample's flaws.
   */
  RefinerObjective withCleanShare(double share) {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("the clean share must be in [0, 1], got " + share);
    }
    if (pool.size() < CLEAN_EVERY + 1) {
      throw new IllegalArgumentException("a clean share needs a pool of at least " + (CLEAN_EVERY + 1) + " clips");
    }
    this.cleanShare = share;
    return this;
  }

  /** A pool clip to train on: uniform, or with the clean share. */
  int drawClip(SplittableRandom random) {
    if (cleanShare < 0) {
      return random.nextInt(pool.size());
    }
    int clean = (pool.size() + CLEAN_EVERY - 1) / CLEAN_EVERY; // clips 0, 4, 8, ...
    if (random.nextDouble() < cleanShare) {
      return random.nextInt(clean) * CLEAN_EVERY;
    }
    int noisy = random.nextInt(pool.size() - clean); // the n-th clip that is not a multiple of CLEAN_EVERY
    return noisy / (CLEAN_EVERY - 1) * CLEAN_EVERY + noisy % (CLEAN_EVERY - 1) + 1;
  }

  @Override
  public NamedParameters parameters() {
    return parameters;
  }

  @Override
  public NDArray loss(NDManager scope, long step, SplittableRandom random) {
    int high = pool.high;
    int low = pool.low;
    int highFrame = 3 * high * high;
    int lowFrame = 3 * low * low;
    float[] decoded = new float[batch * highFrame];
    float[] target = new float[batch * highFrame];
    float[] input = new float[batch * lowFrame];
    for (int b = 0; b < batch; b++) {
      int clip = drawClip(random);
      int frame = random.nextInt(pool.frames);
      pool.frame(pool.decoded[clip], frame, high, decoded, b * highFrame);
      pool.frame(pool.target[clip], frame, high, target, b * highFrame);
      pool.frame(pool.input[clip], frame, low, input, b * lowFrame);
    }
    NDArray up = refiner.upsample(scope.create(input, new Shape(batch, 3, 1, low, low)));
    NDArray refined =
        refiner.refine(new ParameterStore(scope, false), scope.create(decoded, new Shape(batch, 3, 1, high, high)), up,
            true);
    return refined.sub(scope.create(target, new Shape(batch, 3, 1, high, high))).square().mean();
  }

  /**
   * The mean squared error of the refiner's output over every frame of the pool (without gradients; in [-1, 1]
   * units, so PSNR = 10 log10(4 / error)), and the same of bicubic upsampling alone.
   *
   * @return {refined, bicubic}
   */
  double[] poolError(NDManager manager) {
    int high = pool.high;
    int low = pool.low;
    int frames = pool.frames;
    double refined = 0;
    double bicubic = 0;
    for (int i = 0; i < pool.size(); i++) {
      try (NDManager scope = manager.newSubManager()) {
        NDArray input = scope.create(floats(pool.input[i]), new Shape(1, 3, frames, low, low));
        NDArray target = scope.create(floats(pool.target[i]), new Shape(1, 3, frames, high, high));
        NDArray decoded = scope.create(floats(pool.decoded[i]), new Shape(1, 3, frames, high, high));
        double[] errors = Grad.off(() -> new double[] {
            refiner.refine(decoded, input).sub(target).square().mean().getFloat(),
            refiner.upsample(input).sub(target).square().mean().getFloat()});
        refined += errors[0];
        bicubic += errors[1];
      }
    }
    return new double[] {refined / pool.size(), bicubic / pool.size()};
  }

  /** Stored bytes as the values in [-1, 1] they stand for. */
  static float[] floats(byte[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = value(values[i]);
    }
    return out;
  }

  /**
   * Frame {@code t} of a stored clip (3, T, s, s) of {@code frames} frames as floats in [-1, 1] into {@code out} at
   * {@code offset}, (3, s, s).
   */
  static void frame(byte[] clip, int frames, int t, int side, float[] out, int offset) {
    int plane = side * side;
    for (int c = 0; c < 3; c++) {
      int from = (c * frames + t) * plane;
      int to = offset + c * plane;
      for (int i = 0; i < plane; i++) {
        out[to + i] = value(clip[from + i]);
      }
    }
  }

  /** Values in [-1, 1] stored as bytes 0..255 (8 bits per value, as the frames of a video are). */
  static byte[] bytes(float[] values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) Frames.toByte(values[i]);
    }
    return out;
  }

  /** A stored byte (0..255) as the value in [-1, 1] it stands for. */
  private static float value(byte stored) {
    return Frames.value(stored & 0xff);
  }

  /**
   * Clips at the stage's size (the target), at the previous stage's (the input), and the stage's decoded
   * sample from the input; values 0..255 for [-1, 1], (3, T, H, W) per clip.
   */
  static final class Pool {
    private final int frames;
    private final int high;
    private final int low;
    private final byte[][] decoded;
    private final byte[][] target;
    private final byte[][] input;

    private Pool(int frames, int high, int low, byte[][] decoded, byte[][] target, byte[][] input) {
      this.frames = frames;
      this.high = high;
      this.low = low;
      this.decoded = decoded;
      this.target = target;
      this.input = input;
    }

    int size() {
      return decoded.length;
    }

    /** Clip {@code clip}'s low-resolution input, (3, T, s, s) in [-1, 1]. */
    float[] input(int clip) {
      return floats(input[clip]);
    }

    /**
     * The pool of stage {@code k} of {@code model}, read from {@code file} when it holds one of this size, model
     * and stream, else sampled (each finished clip reported to {@code progress}) and saved there.
     */
    static Pool open(Path file, WaltModel model, int k, TrainingBatches data, int size, long seed, double latentNoise,
        IntConsumer progress) throws IOException {
      return open(file, model, k, data, size, seed, latentNoise, null, progress);
    }

    /**
     * {@link #open(Path, WaltModel, int, TrainingBatches, int, long, double, IntConsumer)}, where with {@code
     * redraws} the clips that are not clean take their input from the first stage's redraw of their scene, refined
     * by its caption refiner (when it has one) as the cascade does, instead of a noisy latent: the cascade's own
     * inputs, with the truth known. Stage {@code k} must then be the second, and the redraws the same scenes.
     */
    static Pool open(Path file, WaltModel model, int k, TrainingBatches data, int size, long seed, double latentNoise,
        @Nullable RedrawPool redraws, IntConsumer progress) throws IOException {
      if (!(latentNoise >= 0)) {
        throw new IllegalArgumentException("the refiner's latent noise must be >= 0, got " + latentNoise);
      }
      if (size < 1) {
        throw new IllegalArgumentException("the refiner's pool needs at least one clip, got " + size);
      }
      StageConfig stage = model.config().stages().get(k);
      int high = stage.height();
      int low = model.config().stages().get(k - 1).height();
      int frames = model.config().frames();
      List<Example> examples = data.videoExamples(0, size);
      if (redraws != null) {
        if (k != 1) {
          throw new IllegalArgumentException("redraws are the first stage's: they are inputs of the second stage only");
        }
        if (redraws.size() < size || !examples.equals(redraws.examples().subList(0, size))) {
          throw new IllegalArgumentException("the redraws are not of this pool's " + size + " scenes");
        }
      }
      long fingerprint =
          Double.doubleToLongBits(
              LatentPool.weightsFingerprint(model.stages().get(k)) + LatentPool.weightsFingerprint(model.vae()))
              ^ LatentPool.sceneFingerprint(examples) ^ seed ^ Double.doubleToLongBits(latentNoise) * 31
              ^ (redraws == null ? 0 : redraws.fingerprint() * 961 ^ Double.doubleToLongBits(
                  model.captionRefiner(0) == null ? 0 : LatentPool.weightsFingerprint(model.captionRefiner(0))));
      if (Files.isRegularFile(file)) {
        Pool read = read(file, size, frames, high, low, fingerprint);
        if (read != null) {
          return read;
        }
      }
      WaltPipeline pipeline = new WaltPipeline(model);
      int fps = model.config().fps();
      byte[][] decoded = new byte[size][];
      byte[][] target = new byte[size][];
      byte[][] input = new byte[size][];
      for (int i = 0; i < size; i++) {
        // batch i of size 1 is clip i of the stream, at either size the same scene and frames
        Batch truth = data.videos(i, 1, high, frames);
        Batch small = data.videos(i, 1, low, frames);
        Clip lowClip = Clip.fromRgb(small.pixels(), frames, low, low, fps);
        // a quarter of the clips as the evaluator gives them (the clean input), the others from a latent with
        // noise up to latentNoise, decoded: the flaws of a sample from the stage before, which the stage cleans
        double noise = i % CLEAN_EVERY == 0 ? 0 : latentNoise * new SplittableRandom(seed * 1_000_003L + i).nextDouble();
        if (redraws != null && i % CLEAN_EVERY != 0) {
          lowClip = pipeline.refineCaption(redraws.clip(i, fps), examples.get(i).caption());
          noise = 0;
        }
        WaltPipeline.SuperResolved parts =
            pipeline.superResolveParts(k, lowClip, truth.examples().get(0).caption(), seed + i, noise);
        decoded[i] = bytes(parts.decoded().toRgb());
        target[i] = bytes(truth.pixels());
        input[i] = bytes(parts.input().toRgb());
        progress.accept(i + 1);
      }
      Pool pool = new Pool(frames, high, low, decoded, target, input);
      pool.write(file, fingerprint);
      return pool;
    }

    private void frame(byte[] clip, int t, int side, float[] out, int offset) {
      RefinerObjective.frame(clip, frames, t, side, out, offset);
    }

    private void write(Path file, long fingerprint) throws IOException {
      PoolFiles.write(file, out -> {
        out.writeInt(MAGIC);
        out.writeInt(size());
        out.writeInt(frames);
        out.writeInt(high);
        out.writeInt(low);
        out.writeLong(fingerprint);
        for (int i = 0; i < size(); i++) {
          out.write(decoded[i]);
          out.write(target[i]);
          out.write(input[i]);
        }
      });
    }

    /** The pool in {@code file}, or null when it was made for another size, geometry, model or stream. */
    private static Pool read(Path file, int size, int frames, int high, int low, long fingerprint) throws IOException {
      try (var in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
        if (in.readInt() != MAGIC || in.readInt() != size || in.readInt() != frames || in.readInt() != high
            || in.readInt() != low || in.readLong() != fingerprint) {
          return null;
        }
        List<byte[]> decoded = new ArrayList<>();
        List<byte[]> target = new ArrayList<>();
        List<byte[]> input = new ArrayList<>();
        for (int i = 0; i < size; i++) {
          decoded.add(in.readNBytes(3 * frames * high * high));
          target.add(in.readNBytes(3 * frames * high * high));
          byte[] small = in.readNBytes(3 * frames * low * low);
          if (small.length != 3 * frames * low * low) {
            return null; // cut short: sample again
          }
          input.add(small);
        }
        return new Pool(frames, high, low, decoded.toArray(byte[][]::new), target.toArray(byte[][]::new),
            input.toArray(byte[][]::new));
      }
    }
  }
}
