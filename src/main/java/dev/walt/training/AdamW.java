package dev.walt.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter 2019), as PyTorch's {@code AdamW}: {@code p
 * <- p (1 - lr wd)}, then {@code p <- p - lr m_hat / (sqrt(v_hat) + eps)} with bias-corrected moments.
 * Weight decay applies to parameters of rank >= 2 only (not to biases, norms and scales). The moments
 * live on the manager given at construction. Run with gradient recording off.
 */
public final class AdamW {

  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;
  private final List<NDArray> firstMoments = new ArrayList<>();
  private final List<NDArray> secondMoments = new ArrayList<>();
  private long updates;

  public AdamW(List<NDArray> parameters, NDManager manager, double beta1, double beta2, double epsilon,
      double weightDecay) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    for (NDArray p : parameters) {
      firstMoments.add(manager.zeros(p.getShape(), p.getDataType()));
      secondMoments.add(manager.zeros(p.getShape(), p.getDataType()));
    }
  }

  /** Updates {@code parameters} in place from {@code gradients}; temporaries go to {@code scope}. */
  public void step(List<NDArray> parameters, List<NDArray> gradients, double learningRate, NDManager scope) {
    updates++;
    double correction1 = 1 - Math.pow(beta1, updates);
    double correction2 = 1 - Math.pow(beta2, updates);
    for (int i = 0; i < parameters.size(); i++) {
      NDArray p = parameters.get(i);
      NDArray g = gradients.get(i);
      NDArray m = firstMoments.get(i);
      NDArray v = secondMoments.get(i);
      NDArray gm = g.mul((float) (1 - beta1));
      gm.attach(scope);
      m.muli((float) beta1).addi(gm);
      NDArray g2 = g.square().mul((float) (1 - beta2));
      g2.attach(scope);
      v.muli((float) beta2).addi(g2);
      if (weightDecay > 0 && p.getShape().dimension() >= 2) {
        p.muli((float) (1 - learningRate * weightDecay));
      }
      NDArray vHat = scoped(v.div((float) correction2), scope);
      NDArray denominator = vHat.sqrt().add((float) epsilon);
      NDArray mHat = scoped(m.div((float) correction1), scope);
      NDArray update = mHat.div(denominator).mul((float) learningRate);
      p.subi(update);
    }
  }

  private static NDArray scoped(NDArray array, NDManager scope) {
    array.attach(scope);
    return array;
  }

  /** Updates done so far. */
  public long updates() {
    return updates;
  }

  public List<NDArray> firstMoments() {
    return firstMoments;
  }

  public List<NDArray> secondMoments() {
    return secondMoments;
  }

  /** Restores the update count (the moments are restored in place by the caller). */
  void setUpdates(long updates) {
    this.updates = updates;
  }
}
