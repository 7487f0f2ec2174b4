package dev.walt.worker.walt;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How a worker keeps the C heap (glibc malloc, where PyTorch's CPU tensors and FFmpeg's buffers live)
 * from holding on to freed memory ({@code walt.worker.native-memory.*}); see {@link NativeMemory}.
 * Without glibc (another C library, not Linux) it does nothing.
 *
 * @param trimAfterJob give the C heap's free pages back to the system ({@code malloc_trim}) after the
 *     warm-up and after every job, so that the worker's resident memory between jobs is what it uses;
 *     default {@code true}
 * @param heapBlocksUpTo serve C allocations up to this size from the heap rather than mapping each on its
 *     own ({@code mallopt(M_MMAP_THRESHOLD)}), so that large tensors reuse freed heap memory instead of
 *     faulting in fresh pages at every operation (docs/benchmarks.md); default {@code 1GB}, {@code 0} keeps
 *     glibc's own threshold; the environment variable {@code MALLOC_MMAP_THRESHOLD_}, when set, wins
 */
@ConfigurationProperties("walt.worker.native-memory")
@Validated
public record NativeMemorySettings(
    @DefaultValue("true") boolean trimAfterJob, @DefaultValue("1GB") DataSize heapBlocksUpTo) {

  /** The default of {@link #heapBlocksUpTo}. */
  public static final DataSize DEFAULT_HEAP_BLOCKS = DataSize.ofGigabytes(1);

  public NativeMemorySettings {
    if (heapBlocksUpTo == null) {
      heapBlocksUpTo = DEFAULT_HEAP_BLOCKS;
    }
    if (heapBlocksUpTo.isNegative() || heapBlocksUpTo.toBytes() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "walt.worker.native-memory.heap-blocks-up-to must be 0 to 2047MB, got " + heapBlocksUpTo);
    }
  }

  /** The defaults, for code that runs outside a Spring context (tests, tools). */
  public static NativeMemorySettings defaults() {
    return new NativeMemorySettings(true, DEFAULT_HEAP_BLOCKS);
  }
}
