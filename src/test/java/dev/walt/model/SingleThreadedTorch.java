package dev.walt.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class with one PyTorch intra-op thread and restores the previous count afterwards. The
 * pipeline tests run thousands of tiny operations; with two intra-op threads on a busy machine every
 * operation waits for the second thread to be scheduled (measured: 160-600 ms per forward pass of the
 * test model instead of 4 ms), so one thread keeps them at seconds. Results do not depend on it: every
 * test compares runs made under the same setting.
 */
public final class SingleThreadedTorch implements BeforeAllCallback, AfterAllCallback {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SingleThreadedTorch.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    Engine.getInstance(); // loads the native library
    context.getStore(NAMESPACE).put("threads", JniUtils.getNumThreads());
    JniUtils.setNumThreads(1);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Integer previous = context.getStore(NAMESPACE).get("threads", Integer.class);
    if (previous != null) {
      JniUtils.setNumThreads(previous);
    }
  }
}
