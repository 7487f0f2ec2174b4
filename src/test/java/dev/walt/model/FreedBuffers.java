package dev.walt.model;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Frees the Java direct buffers that nothing references any more and lets the C heap reuse their
 * memory: what happens to a tensor that borrowed such a buffer when a garbage collection runs between
 * the forward and the backward pass of a training step.
 */
public final class FreedBuffers {

  private FreedBuffers() {}

  /** Collects garbage (the cleaner frees unreachable direct buffers), then reuses the freed memory. */
  public static void collectAndReuse() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      try {
        Thread.sleep(30); // the cleaner thread frees the buffers
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    List<ByteBuffer> reuse = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      ByteBuffer b = ByteBuffer.allocateDirect(4 + (i % 8) * 4);
      while (b.remaining() >= 4) {
        b.putFloat(Float.NaN);
      }
      reuse.add(b);
    }
    reuse.clear();
  }
}
