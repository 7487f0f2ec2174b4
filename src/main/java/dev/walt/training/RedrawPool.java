package dev.walt.training;

import dev.walt.model.StageConfig;
import dev.walt.model.WaltModel;
import dev.walt.model.pipeline.WaltPipeline;
import dev.walt.video.Clip;
import dev.walt.world.Example;
import dev.walt.world.Frames;
import dev.walt.world.Scene;
import dev.walt.world.SceneRenderer;
import dev.walt.world.Shape;
import dev.walt.world.TrainingBatches;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * The first stage's own drawings of known scenes, for a {@link CaptionRefinerObjective caption refiner} to learn
 * the stage's flaws from: clip {@code i} is scene {@code i} of the training stream rendered at the stage's size in
 * its own shape (every third clip, from 0) or in another (the others), then redrawn by the stage with the scene's
 * caption ({@link WaltPipeline#redrawBase}) from a strength drawn uniformly in [{@code minStrength}, {@code
 * maxStrength}]. The stage keeps the scene's place, colour and motion and draws the outline itself: a blob, often
 * the wrong shape, where the refiner's target is the scene in its caption's shape.
 *
 * <p>Redrawing is the expensive part (a few seconds a clip on two CPU threads), so the pool is made once and kept
 * in the work folder ({@value #FILE}, 8 bits per value), with a fingerprint of the weights, the scenes and the
 * settings: a pool made by another model or from other scenes is made again.
 */
final class RedrawPool {

  static final String FILE = "redraw-pool.bin";
  private static final int MAGIC = 0x57524450; // "WRDP"
  private static final Shape[] SHAPES = Shape.values();

  private final List<Example> examples;
  private final int frames;
  private final int side;
  private final byte[][] redrawn; // (3, T, side, side) per clip
  private final byte[] drawnShape; // the shape the scene was rendered in before the redraw
  private final long fingerprint;

  private RedrawPool(List<Example> examples, int frames, int side, byte[][] redrawn, byte[] drawnShape,
      long fingerprint) {
    this.examples = examples;
    this.fingerprint = fingerprint;
    this.frames = frames;
    this.side = side;
    this.redrawn = redrawn;
    this.drawnShape = drawnShape;
  }

  int size() {
    return redrawn.length;
  }

  int frames() {
    return frames;
  }

  /** The frames' height and width. */
  int side() {
    return side;
  }

  Example example(int clip) {
    return examples.get(clip);
  }

  /** The scenes of the clips, in order. */
  List<Example> examples() {
    return examples;
  }

  /** What the pool was made from: weights, scenes and settings. */
  long fingerprint() {
    return fingerprint;
  }

  /** The shape clip {@code clip}'s scene was rendered in before the stage redrew it. */
  Shape drawnShape(int clip) {
    return SHAPES[drawnShape[clip]];
  }

  /** Frame {@code t} of clip {@code clip}'s redraw, (3, s, s) in [-1, 1], into {@code out} at {@code offset}. */
  void frame(int clip, int t, float[] out, int offset) {
    RefinerObjective.frame(redrawn[clip], frames, t, side, out, offset);
  }

  /** Clip {@code clip}'s redraw as a video at {@code fps}. */
  Clip clip(int clip, int fps) {
    return Clip.fromRgb(RefinerObjective.floats(redrawn[clip]), frames, side, side, fps); // stored as (3, T, s, s)
  }

  /**
   * The pool of {@code size} clips of the first stage of {@code model}, read from {@code file} when it holds this
   * one, else redrawn (each finished clip reported to {@code progress}) and saved there.
   */
  static RedrawPool open(Path file, WaltModel model, TrainingBatches data, int size, long seed, double minStrength,
      double maxStrength, IntConsumer progress) throws IOException {
    if (size < 1) {
      throw new IllegalArgumentException("the redraw pool needs at least one clip, got " + size);
    }
    if (!(minStrength > 0 && minStrength <= maxStrength && maxStrength <= 1)) {
      throw new IllegalArgumentException(
          "redraw strengths must satisfy 0 < min <= max <= 1, got " + minStrength + " and " + maxStrength);
    }
    StageConfig stage = model.config().base();
    int side = stage.height();
    int frames = model.config().frames();
    List<Example> examples = data.videoExamples(0, size);
    double weights = LatentPool.weightsFingerprint(model.stages().get(0)) + LatentPool.weightsFingerprint(model.vae())
        + (model.textEncoder() == null ? 0 : LatentPool.weightsFingerprint(model.textEncoder()));
    long fingerprint = Double.doubleToLongBits(weights) ^ LatentPool.sceneFingerprint(examples) ^ seed
        ^ Double.doubleToLongBits(minStrength) * 31 ^ Double.doubleToLongBits(maxStrength) * 961;
    if (Files.isRegularFile(file)) {
      RedrawPool read = read(file, examples, frames, side, fingerprint);
      if (read != null) {
        return read;
      }
    }
    WaltPipeline pipeline = new WaltPipeline(model);
    byte[][] redrawn = new byte[size][];
    byte[] drawn = new byte[size];
    for (int i = 0; i < size; i++) {
      Scene scene = examples.get(i).scene();
      SplittableRandom random = new SplittableRandom(seed * 1_000_003L + i);
      int own = scene.shape().ordinal();
      int shape = i % 3 == 0 ? own : (own + 1 + random.nextInt(SHAPES.length - 1)) % SHAPES.length;
      double strength = minStrength + (maxStrength - minStrength) * random.nextDouble();
      Clip clip = new Clip(SceneRenderer.render(scene.withShape(SHAPES[shape]), 0, frames, side), model.config().fps());
      Clip redraw = pipeline.redrawBase(clip, examples.get(i).caption(), seed + i, strength);
      redrawn[i] = RefinerObjective.bytes(redraw.toRgb());
      drawn[i] = (byte) shape;
      progress.accept(i + 1);
    }
    RedrawPool pool = new RedrawPool(examples, frames, side, redrawn, drawn, fingerprint);
    pool.write(file, fingerprint);
    return pool;
  }

  private void write(Path file, long fingerprint) throws IOException {
    PoolFiles.write(file, out -> {
      out.writeInt(MAGIC);
      out.writeInt(size());
      out.writeInt(frames);
      out.writeInt(side);
      out.writeLong(fingerprint);
      out.write(drawnShape);
      for (byte[] clip : redrawn) {
        out.write(clip);
      }
    });
  }

  /** The pool in {@code file}, or null when it was made for another size, geometry, model or stream. */
  private static RedrawPool read(Path file, List<Example> examples, int frames, int side, long fingerprint)
      throws IOException {
    try (var in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
      int size = examples.size();
      if (in.readInt() != MAGIC || in.readInt() != size || in.readInt() != frames || in.readInt() != side
          || in.readLong() != fingerprint) {
        return null;
      }
      byte[] drawn = in.readNBytes(size);
      byte[][] redrawn = new byte[size][];
      for (int i = 0; i < size; i++) {
        redrawn[i] = in.readNBytes(3 * frames * side * side);
        if (redrawn[i].length != 3 * frames * side * side) {
          return null; // cut short: redraw again
        }
      }
      return new RedrawPool(examples, frames, side, redrawn, drawn, fingerprint);
    }
  }
}
