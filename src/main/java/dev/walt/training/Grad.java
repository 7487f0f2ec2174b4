package dev.walt.training;

import ai.djl.pytorch.jni.JniUtils;
import java.util.function.Supplier;

/** PyTorch's gradient recording, which is per thread. */
final class Grad {

  private Grad() {}

  /** Runs {@code body} with gradient recording off, restoring the previous mode after. */
  static <T> T off(Supplier<T> body) {
    boolean previous = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      return body.get();
    } finally {
      JniUtils.setGradMode(previous);
    }
  }

  static void set(boolean on) {
    JniUtils.setGradMode(on);
  }
}
