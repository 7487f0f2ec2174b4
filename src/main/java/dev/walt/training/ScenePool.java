package dev.walt.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.walt.model.vae.CausalVae;
import dev.walt.world.Example;
import dev.walt.world.Shape;
import dev.walt.world.TrainingBatches;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The training stream's first scenes, each rendered in every shape of the world (the same colour, size, place,
 * motion and background) and encoded once by the frozen autoencoder ({@link LatentPool#ofScenes}): the pairs a
 * first stage's {@link GuideObjective caption guide} and {@link CaptionRefinerObjective caption refiner} learn
 * the outline from. Latent {@code scene * S + shape} is the scene in {@link Shape} order.
 */
final class ScenePool {

  private static final Shape[] SHAPES = Shape.values();

  private final List<Example> examples;
  private final LatentPool clips; // clip scene * S + shape

  ScenePool(List<Example> examples, LatentPool clips) {
    this.examples = examples;
    this.clips = clips;
  }

  int size() {
    return examples.size();
  }

  Example example(int i) {
    return examples.get(i);
  }

  /** Latents (n * S, C, T, H, W) of scenes {@code picked}, each scene's shapes in {@link Shape} order. */
  NDArray latents(NDManager scope, int[] picked) {
    int[] indices = new int[picked.length * SHAPES.length];
    for (int b = 0; b < picked.length; b++) {
      for (int s = 0; s < SHAPES.length; s++) {
        indices[b * SHAPES.length + s] = picked[b] * SHAPES.length + s;
      }
    }
    return clips.latents(scope, indices);
  }

  /**
   * The pool of {@code size} scenes at {@code resolution} ({@link LatentPool#ofScenes}: read from {@code file}
   * when it holds them, else encoded and saved there); {@code progress} counts the clips, S per scene.
   */
  static ScenePool open(Path file, CausalVae vae, NDManager manager, TrainingBatches data, int size, int resolution,
      int frames, IntConsumer progress) throws IOException {
    if (size < 1) {
      throw new IllegalArgumentException("the scene pool needs at least one scene, got " + size);
    }
    List<Example> examples = data.videoExamples(0, size);
    List<Example> variants = new ArrayList<>(size * SHAPES.length);
    for (Example example : examples) {
      for (Shape shape : SHAPES) {
        variants.add(new Example(example.scene().withShape(shape), example.caption(), example.template(),
            example.index()));
      }
    }
    return new ScenePool(examples, LatentPool.ofScenes(file, vae, manager, variants, resolution, frames, progress));
  }
}
