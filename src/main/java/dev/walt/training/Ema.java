package dev.walt.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * An exponential moving average of weights: {@code e <- d e + (1 - d) p} with {@code d = min(decay, (1 +
 * n) / (10 + n))} at update n (0-based), so early averages follow the weights closely. The copies live on
 * the manager given at construction.
 */
public final class Ema {

  private final double decay;
  private final List<NDArray> shadows = new ArrayList<>();

  public Ema(List<NDArray> parameters, NDManager manager, double decay) {
    this.decay = decay;
    for (NDArray p : parameters) {
      NDArray copy = p.duplicate();
      copy.attach(manager);
      shadows.add(copy);
    }
  }

  /** The decay used at update {@code n} (0-based). */
  public double decayAt(long n) {
    return Math.min(decay, (1.0 + n) / (10.0 + n));
  }

  /** Update number {@code n} from the current {@code parameters}. */
  public void update(List<NDArray> parameters, long n, NDManager scope) {
    float d = (float) decayAt(n);
    for (int i = 0; i < parameters.size(); i++) {
      NDArray part = parameters.get(i).mul(1f - d);
      part.attach(scope);
      shadows.get(i).muli(d).addi(part);
    }
  }

  public List<NDArray> shadows() {
    return shadows;
  }
}
