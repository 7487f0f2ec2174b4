package dev.walt.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.SplittableRandom;

/** What one stage minimises. */
public interface Objective {

  /** The parameters it trains, in a fixed order. */
  NamedParameters parameters();

  /**
   * Builds the loss of step {@code step} with gradient recording on: the data and every random choice come
   * from {@code step} and {@code random} only, so a step is reproducible.
   *
   * @param scope the step's manager (closed after the step)
   * @return a scalar
   */
  NDArray loss(NDManager scope, long step, SplittableRandom random);
}
