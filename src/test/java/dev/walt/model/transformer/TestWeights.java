package dev.walt.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.SplittableRandom;

/** Test helper: overwrites every parameter with seeded Gaussian values so no path is trivially zero. */
final class TestWeights {

  private TestWeights() {}

  static void randomize(Block block, long seed, double std) {
    SplittableRandom random = new SplittableRandom(seed);
    for (Pair<String, Parameter> pair : block.getParameters()) {
      randomize(pair.getValue().getArray(), random, std);
    }
  }

  static void randomize(NDArray array, SplittableRandom random, double std) {
    float[] values = new float[Math.toIntExact(array.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (gaussian(random) * std);
    }
    array.set(values);
  }

  static double gaussian(SplittableRandom random) {
    double u1 = random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }

  static float[] floats(NDArray array) {
    return array.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
  }
}
