package dev.walt.worker.walt;

import org.springframework.boot.context.properties.ConfigurationProperties;
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
 */
@ConfigurationProperties("walt.worker.native-memory")
@Validated
public record NativeMemorySettings(@DefaultValue("true") boolean trimAfterJob) {

  /** The defaults, for code that runs outside a Spring context (tests, tools). */
  public static NativeMemorySettings defaults() {
    return new NativeMemorySettings(true);
  }
}
