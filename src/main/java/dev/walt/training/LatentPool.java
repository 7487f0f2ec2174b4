package dev.walt.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.walt.model.vae.CausalVae;
import dev.walt.world.Example;
import dev.walt.world.Frames;
import dev.walt.world.SceneRenderer;
import dev.walt.world.TrainingBatches;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * A fixed set of training clips encoded once by the frozen autoencoder, from which the base stage draws its
 * video batches: encoding a 17-frame clip costs about as much as the base stage's whole forward and backward
 * pass over it on the CPU, so drawing from encoded clips lets a step take several times as many videos in the
 * same time. Each draw gets a fresh caption (a training template, synonyms drawn anew), so a clip seen twice
 * is rarely worded the same way.
 *
 * <p>The pool is clips {@code 0 .. n-1} of the split's video stream (batch 0 of size n of {@link
 * TrainingBatches}). It is saved in the work folder with a fingerprint of the encoder's
 * weights and of its scenes, and read back on resume; a pool of another size, resolution, encoder or stream of
 * clips (another seed) is encoded again.
 */
final class LatentPool {

  static final String FILE = "latent-pool.bin";
  private static final int MAGIC = 0x574c5032; // "WLP2"
  private static final int ENCODE_BATCH = 2;

  private final List<Example> examples;
  private final float[][] latents;
  private final Shape clipShape;

  private LatentPool(List<Example> examples, float[][] latents, Shape clipShape) {
    this.examples = examples;
    this.latents = latents;
    this.clipShape = clipShape;
  }

  /** Clips in the pool. */
  int size() {
    return latents.length;
  }

  /** Refuses a batch larger than the pool (a draw takes distinct clips); returns the pool. */
  LatentPool requireBatch(int batch) {
    if (size() < batch) {
      throw new IllegalArgumentException("the latent pool holds " + size() + " clips, fewer than a batch of " + batch);
    }
    return this;
  }

  /** The latent shape of one clip, (C, T, H, W). */
  Shape clipShape() {
    return clipShape;
  }

  /** Clip {@code i}'s example (its scene and its first caption). */
  Example example(int i) {
    return examples.get(i);
  }

  /**
   * The pool of {@code size} clips at {@code resolution}: read from {@code file} when it holds one of this
   * size, resolution and encoder, else encoded (reporting each finished clip to {@code progress}) and saved
   * there. The base stage keeps its pool in {@value #FILE}; a super-resolution stage keeps one per resolution,
   * clip i of each the same scene.
   */
  static LatentPool open(Path file, CausalVae vae, NDManager manager, TrainingBatches data, int size, int resolution,
      int frames, IntConsumer progress) throws IOException {
    if (size < 1) {
      throw new IllegalArgumentException("the latent pool needs at least one clip, got " + size);
    }
    return open(file, vae, manager, data.videoExamples(0, size), (start, n) -> pixels(data, start, n, resolution, frames),
        resolution, frames, progress);
  }

  /**
   * The pool of {@code examples}' scenes, each rendered from its first frame for {@code frames} frames at {@code
   * resolution}: read from {@code file} when it holds them, else encoded and saved there.
   */
  static LatentPool ofScenes(Path file, CausalVae vae, NDManager manager, List<Example> examples, int resolution,
      int frames, IntConsumer progress) throws IOException {
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("the latent pool needs at least one clip");
    }
    int clip = 3 * frames * resolution * resolution;
    return open(file, vae, manager, examples, (start, n) -> {
      float[] pixels = new float[n * clip];
      for (int b = 0; b < n; b++) {
        Frames.toArray(SceneRenderer.render(examples.get(start + b).scene(), 0, frames, resolution), pixels, b * clip);
      }
      return pixels;
    }, resolution, frames, progress);
  }

  /** Pixels (n, 3, T, H, W) of a pool's clips {@code start .. start + n - 1}. */
  private interface Clips {
    float[] pixels(int start, int n);
  }

  private static LatentPool open(Path file, CausalVae vae, NDManager manager, List<Example> examples, Clips clips,
      int resolution, int frames, IntConsumer progress) throws IOException {
    int size = examples.size();
    double fingerprint = fingerprint(vae);
    long scenes = sceneFingerprint(examples);
    if (Files.isRegularFile(file)) {
      LatentPool read = read(file, examples, resolution, frames, fingerprint, scenes);
      if (read != null) {
        return read;
      }
    }
    float[][] latents = new float[size][];
    Shape clipShape = null;
    for (int start = 0; start < size; start += ENCODE_BATCH) {
      int n = Math.min(ENCODE_BATCH, size - start);
      try (NDManager scope = manager.newSubManager()) {
        float[] pixels = clips.pixels(start, n);
        NDArray z = DiffusionLoss.encodeFrozen(vae, scope, pixels, new Shape(n, 3, frames, resolution, resolution));
        clipShape = z.getShape().slice(1);
        float[] all = z.toFloatArray();
        int length = all.length / n;
        for (int b = 0; b < n; b++) {
          latents[start + b] = java.util.Arrays.copyOfRange(all, b * length, (b + 1) * length);
        }
      }
      progress.accept(start + n);
    }
    LatentPool pool = new LatentPool(examples, latents, clipShape);
    pool.write(file, resolution, frames, fingerprint, scenes);
    return pool;
  }

  /** Pixels of clips {@code start .. start+n-1} of the stream that {@code data.videos(0, size, ...)} draws from. */
  private static float[] pixels(TrainingBatches data, int start, int n, int resolution, int frames) {
    // batch index i of size 1 is clip i of the stream, the same clip as in batch 0 of size `size`
    int clip = 3 * frames * resolution * resolution;
    float[] pixels = new float[n * clip];
    for (int b = 0; b < n; b++) {
      System.arraycopy(data.videos(start + b, 1, resolution, frames).pixels(), 0, pixels, b * clip, clip);
    }
    return pixels;
  }

  /** A weighted sum over the autoencoder's weights and latent statistics: a pool encoded by others is not reused. */
  private static double fingerprint(CausalVae vae) {
    double sum = weightsFingerprint(vae);
    int k = 1;
    for (float m : vae.latentMean()) {
      sum += m * (k++ % 13 + 1);
    }
    for (float s : vae.latentStd()) {
      sum += s * (k++ % 13 + 1);
    }
    return sum;
  }

  /** A weighted sum over a sample of {@code block}'s weights: another set of weights gives another sum. */
  static double weightsFingerprint(Block block) {
    double sum = 0;
    int k = 1;
    for (var parameter : block.getParameters().values()) {
      float[] values = parameter.getArray().toFloatArray();
      for (int i = 0; i < values.length; i += 31) {
        sum += values[i] * (k++ % 13 + 1);
      }
    }
    return sum;
  }

  /** A batch of {@code count} clips drawn at random: latents (B, C, T, H, W) on {@code scope} and captions. */
  Drawn draw(NDManager scope, int count, SplittableRandom random) {
    int[] picked = new int[count];
    List<Example> drawn = new ArrayList<>(count);
    List<String> captions = new ArrayList<>(count);
    for (int b = 0; b < count; b++) {
      picked[b] = random.nextInt(latents.length);
      Example example = examples.get(picked[b]);
      drawn.add(example);
      captions.add(Captions.drawn(example.scene(), random));
    }
    return new Drawn(latents(scope, picked), drawn, captions, picked);
  }

  /** The latents (B, C, T, H, W) of clips {@code picked}, in that order, on {@code scope}. */
  NDArray latents(NDManager scope, int[] picked) {
    int length = latents[0].length;
    float[] z = new float[picked.length * length];
    for (int b = 0; b < picked.length; b++) {
      System.arraycopy(latents[picked[b]], 0, z, b * length, length);
    }
    return scope.create(z, new Shape(picked.length).addAll(clipShape));
  }

  /** Drawn clips: latents (B, C, T, H, W), their examples, fresh captions and pool indices, in batch order. */
  record Drawn(NDArray latents, List<Example> examples, List<String> captions, int[] picked) {}

  /**
   * A hash of the pool's scenes in order: a pool encoded from another stream (another {@code --seed}) has the
   * same size, resolution and encoder but other clips, and must not be paired with this stream's captions.
   */
  static long sceneFingerprint(List<Example> examples) {
    long hash = 0xcbf29ce484222325L; // FNV-1a, 64 bits, over each example's text (scene, caption, index)
    for (Example example : examples) {
      for (byte b : example.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
        hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
      }
    }
    return hash;
  }

  private void write(Path file, int resolution, int frames, double fingerprint, long scenes) throws IOException {
    PoolFiles.write(file, out -> {
      out.writeInt(MAGIC);
      out.writeInt(latents.length);
      out.writeInt(resolution);
      out.writeInt(frames);
      out.writeDouble(fingerprint);
      out.writeLong(scenes);
      out.writeInt(clipShape.dimension());
      for (long d : clipShape.getShape()) {
        out.writeLong(d);
      }
      ByteBuffer buffer = ByteBuffer.allocate(latents[0].length * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (float[] clip : latents) {
        buffer.clear();
        buffer.asFloatBuffer().put(clip);
        out.write(buffer.array());
      }
    });
  }

  /**
   * The pool in {@code file}, or null when it was made for another size, resolution, frame count, encoder or
   * stream of clips.
   */
  private static LatentPool read(Path file, List<Example> examples, int resolution, int frames,
      double fingerprint, long scenes) throws IOException {
    int size = examples.size();
    try (var in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
      if (in.readInt() != MAGIC || in.readInt() != size || in.readInt() != resolution || in.readInt() != frames
          || in.readDouble() != fingerprint || in.readLong() != scenes) {
        return null;
      }
      long[] dims = new long[in.readInt()];
      for (int i = 0; i < dims.length; i++) {
        dims[i] = in.readLong();
      }
      Shape clipShape = new Shape(dims);
      byte[] bytes = new byte[Math.toIntExact(clipShape.size() * 4)];
      float[][] latents = new float[size][];
      for (int i = 0; i < size; i++) {
        in.readFully(bytes);
        latents[i] = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(latents[i]);
      }
      return new LatentPool(examples, latents, clipShape);
    } catch (java.io.EOFException e) {
      return null; // cut short: encode again
    }
  }
}
