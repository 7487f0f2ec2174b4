package dev.walt.training;

import ai.djl.ndarray.NDManager;
import dev.walt.model.WaltModel;
import java.util.SplittableRandom;

/** Losses of an objective measured without gradients, for tests that check that training lowers them. */
final class ObjectiveLosses {

  private ObjectiveLosses() {}

  /** The mean loss of {@code draws} draws at step 0, draw i from seed 100 + i. */
  static double mean(Objective objective, WaltModel model, int draws) {
    double total = 0;
    for (int i = 0; i < draws; i++) {
      SplittableRandom random = new SplittableRandom(100 + i);
      try (NDManager scope = model.manager().newSubManager()) {
        total += Grad.off(() -> objective.loss(scope, 0, random).getFloat());
      }
    }
    return total / draws;
  }
}
