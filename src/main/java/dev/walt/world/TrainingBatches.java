package dev.walt.world;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Produces training batches of the world, deterministic per (seed, split, index, batch size): batch {@code
 * i} of size {@code B} holds examples {@code i*B .. i*B+B-1} of the split. The time crop of each example is
 * drawn from the example's own stream, so asking for the same batch at two resolutions (a super-resolution
 * stage's input and target) gives the same scenes and the same frames.
 */
public final class TrainingBatches {

  private static final long CROP = 0x4352_4f50L;

  private final WorldSampler sampler;
  private final Split split;

  public TrainingBatches(long seed, Split split) {
    this.sampler = new WorldSampler(seed);
    this.split = split;
  }

  /**
   * Batch {@code index} of {@code batchSize} video clips of {@code frames} consecutive frames (a random time
   * crop when fewer than {@link World#FRAMES}) at {@code resolution} (a divisor of 256).
   */
  public Batch videos(long index, int batchSize, int resolution, int frames) {
    if (frames < 1 || frames > World.FRAMES) {
      throw new IllegalArgumentException("frames must be in [1, " + World.FRAMES + "]: " + frames);
    }
    check(index, batchSize, resolution);
    List<Example> examples = videoExamples(index, batchSize);
    int[] starts = new int[batchSize];
    for (int b = 0; b < batchSize; b++) {
      long i = index * batchSize + b;
      int slack = World.FRAMES - frames;
      starts[b] = slack == 0
          ? 0
          : new SplittableRandom(Seeds.mix(sampler.seed(), split.ordinal(), CROP, i)).nextInt(slack + 1);
    }
    return assemble(examples, starts, frames, resolution);
  }

  /** The examples of video batch {@code index} of {@code batchSize}, without rendering them. */
  public List<Example> videoExamples(long index, int batchSize) {
    check(index, batchSize, World.RESOLUTION);
    List<Example> examples = new ArrayList<>(batchSize);
    for (int b = 0; b < batchSize; b++) {
      examples.add(sampler.video(split, index * batchSize + b));
    }
    return List.copyOf(examples);
  }

  /** Batch {@code index} of {@code batchSize} still images (one frame each) at {@code resolution}. */
  public Batch stills(long index, int batchSize, int resolution) {
    check(index, batchSize, resolution);
    List<Example> examples = new ArrayList<>(batchSize);
    for (int b = 0; b < batchSize; b++) {
      examples.add(sampler.still(split, index * batchSize + b));
    }
    return assemble(examples, new int[batchSize], 1, resolution);
  }

  private static Batch assemble(List<Example> examples, int[] starts, int frames, int resolution) {
    int clip = 3 * frames * resolution * resolution;
    float[] pixels = new float[examples.size() * clip];
    for (int b = 0; b < examples.size(); b++) {
      Frames.toArray(SceneRenderer.render(examples.get(b).scene(), starts[b], frames, resolution), pixels, b * clip);
    }
    return new Batch(List.copyOf(examples), starts, frames, resolution, pixels);
  }

  private static void check(long index, int batchSize, int resolution) {
    if (index < 0 || batchSize < 1) {
      throw new IllegalArgumentException("bad batch index or size: " + index + ", " + batchSize);
    }
    Frames.checkResolution(resolution);
  }
}
