package dev.walt.worker.walt;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * What a worker relies on from this machine's glibc (Linux x86-64, glibc 2.33 or newer; the CI image is
 * Debian): its statistics can be read, and a trim gives back the free pages that a live chunk keeps in
 * the heap (the memory a worker would otherwise hold on to between jobs).
 */
class NativeMemoryTest {

  static final long BLOCK = 16 * 1024; // below every mmap threshold: always from an arena
  static final int BLOCKS = 4096; // 64 MiB

  @Test
  void glibcIsFoundAndReportsItsHeap() {
    assertThat(NativeMemory.available()).as("glibc malloc on this Linux machine").isTrue();
    NativeMemory.Stats stats = NativeMemory.stats().orElseThrow();
    assertThat(stats.inUse()).isPositive();
    assertThat(stats.total()).isGreaterThanOrEqualTo(stats.inUse());
    assertThat(stats.mapped()).isLessThanOrEqualTo(stats.inUse());
  }

  @Test
  void trimGivesBackTheFreePagesThatALiveChunkKeepsInTheHeap() throws IOException {
    // 64 MiB of small blocks, all touched; then all freed but the last, which pins the heap's top so that
    // free() alone cannot shrink it: the freed pages stay resident until trimmed
    long[] blocks = new long[BLOCKS];
    for (int i = 0; i < BLOCKS; i++) {
      blocks[i] = Native.malloc(BLOCK);
      assertThat(blocks[i]).isNotZero();
      new Pointer(blocks[i]).setMemory(0, BLOCK, (byte) 1);
    }
    long pinned = blocks[BLOCKS - 1];
    try {
      for (int i = 0; i < BLOCKS - 1; i++) {
        Native.free(blocks[i]);
      }
      long before = rssAnonKiB();
      NativeMemory.trim();
      long after = rssAnonKiB();
      assertThat(before - after).as("resident anonymous memory given back by the trim, KiB (before %d, after %d)",
          before, after).isGreaterThan(32 * 1024);
    } finally {
      Native.free(pinned);
    }
  }

  @Test
  void theSettingsBindAsAConfigurationPropertiesBean() {
    // a record with a second constructor is not constructor-bound: every application context failed
    new ApplicationContextRunner()
        .withUserConfiguration(BindNativeMemory.class)
        .withPropertyValues("walt.worker.native-memory.heap-blocks-up-to=256MB")
        .run(context -> {
          assertThat(context).hasNotFailed();
          NativeMemorySettings bound = context.getBean(NativeMemorySettings.class);
          assertThat(bound.trimAfterJob()).isTrue();
          assertThat(bound.heapBlocksUpTo().toMegabytes()).isEqualTo(256);
        });
  }

  @EnableConfigurationProperties(NativeMemorySettings.class)
  static class BindNativeMemory {}

  @Test
  void trimmingIsOnByDefault() {
    assertThat(NativeMemorySettings.defaults().trimAfterJob()).isTrue();
    assertThat(NativeMemorySettings.defaults().heapBlocksUpTo().toMegabytes()).isEqualTo(1024);
  }

  @Test
  void onceTheThresholdIsSetALargeBlockComesFromTheHeapNotAMappingOfItsOwn() {
    long size = 40L << 20; // above glibc's largest moving threshold (32 MiB): mapped on its own by default
    assertThat(NativeMemory.keepBlocksInHeapUpTo(1L << 30)).as("mallopt(M_MMAP_THRESHOLD) accepted").isTrue();
    long mapped = NativeMemory.stats().orElseThrow().mappedChunks();
    long block = Native.malloc(size);
    try {
      assertThat(block).isNotZero();
      assertThat(NativeMemory.stats().orElseThrow().mappedChunks()).as("chunks mapped on their own").isEqualTo(mapped);
    } finally {
      Native.free(block);
    }
    assertThat(NativeMemory.keepBlocksInHeapUpTo(0)).as("0 leaves glibc's threshold alone").isFalse();
  }

  static long rssAnonKiB() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("RssAnon:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new AssertionError("no RssAnon in /proc/self/status");
  }
}
