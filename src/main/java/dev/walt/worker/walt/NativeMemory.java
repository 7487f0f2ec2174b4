package dev.walt.worker.walt;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Structure;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The C heap of this process (glibc malloc: PyTorch's CPU allocator and FFmpeg allocate from it),
 * reached through JNA: giving its free pages back to the system ({@code malloc_trim}) and its statistics
 * ({@code mallinfo2}).
 *
 * <p>Why a worker trims: glibc keeps freed memory in its arenas (one per thread that allocates, up to 8
 * per core) and gives it back by itself only from the top of an arena; free chunks below a live one
 * stay resident. A generation frees and reallocates activations of many sizes at every step, and
 * glibc's dynamic mmap threshold, which rises to the size of each large mapped chunk freed (up to 32
 * MiB), soon sends tensors of up to that size to the arenas too. So without a trim a worker's resident
 * memory between jobs depends on where the free space happens to lie: it wanders by tens, at times
 * hundreds of MiB, and grew in steps over the first jobs of a soak although nothing leaked (the memory
 * in use stayed flat; see {@code docs/benchmarks.md}, "Worker soak"). {@code malloc_trim(0)} returns the
 * free pages of every arena wherever they lie; after a job, when the job's tensors are gone, it costs
 * about a millisecond.
 *
 * <p>On anything but glibc on Linux (or when the library cannot be loaded), {@link #trim()} does nothing
 * and {@link #stats()} is empty.
 */
public final class NativeMemory {

  private static final Logger log = LoggerFactory.getLogger(NativeMemory.class);

  /** The C library, or null when it is not glibc on Linux. */
  private static final @Nullable GlibcMalloc LIBC = load();

  private NativeMemory() {}

  /** Whether the process runs on glibc malloc (so that trimming and statistics work). */
  static boolean available() {
    return LIBC != null;
  }

  /** glibc's {@code M_MMAP_THRESHOLD} parameter of {@code mallopt}. */
  private static final int M_MMAP_THRESHOLD = -3;

  /** The variable with which glibc takes the threshold from the environment at start. */
  static final String MMAP_THRESHOLD_VARIABLE = "MALLOC_MMAP_THRESHOLD_";

  /**
   * Serves allocations up to {@code bytes} from the heap instead of mapping each on its own ({@code
   * mallopt(M_MMAP_THRESHOLD)}; glibc's own threshold then stops moving). glibc maps every block above
   * its threshold (at most 32 MiB unless set) afresh and unmaps it when freed, so every operation that
   * writes a large tensor (a 17 x 128 x 128 activation of 32 channels is 36 MiB) pays a page fault per
   * 4 KiB page. Does nothing without glibc, for a non-positive {@code bytes}, or when {@value
   * #MMAP_THRESHOLD_VARIABLE} is set (the operator's choice wins).
   *
   * @return whether the threshold was set
   */
  public static boolean keepBlocksInHeapUpTo(long bytes) {
    if (LIBC == null || bytes <= 0 || System.getenv(MMAP_THRESHOLD_VARIABLE) != null) {
      return false;
    }
    boolean set = LIBC.mallopt(M_MMAP_THRESHOLD, (int) Math.min(bytes, Integer.MAX_VALUE)) == 1;
    if (set) {
      log.info("C heap: blocks up to {} MiB are served from the heap (M_MMAP_THRESHOLD)", bytes >> 20);
    }
    return set;
  }

  /** Gives the C heap's free pages back to the system; true when some memory was released. */
  static boolean trim() {
    if (LIBC == null) {
      return false;
    }
    return LIBC.malloc_trim(0) == 1;
  }

  /** The C heap's statistics now, when available. */
  static Optional<Stats> stats() {
    if (LIBC == null) {
      return Optional.empty();
    }
    MallInfo2 info = LIBC.mallinfo2();
    return Optional.of(new Stats(info.arena + info.hblkhd, info.uordblks + info.hblkhd, info.fordblks, info.hblkhd,
        info.hblks));
  }

  /**
   * C heap statistics in bytes (glibc {@code mallinfo2}, all arenas).
   *
   * @param total obtained from the system: arenas ({@code arena}) plus chunks mapped on their own
   *     ({@code hblkhd})
   * @param inUse held by live allocations ({@code uordblks + hblkhd})
   * @param free free but kept in the arenas ({@code fordblks}); resident unless given back (a trim gives
   *     the pages back but glibc still counts them here)
   * @param mapped in chunks mapped on their own ({@code hblkhd})
   * @param mappedChunks how many such chunks ({@code hblks})
   */
  record Stats(long total, long inUse, long free, long mapped, long mappedChunks) {}

  private static @Nullable GlibcMalloc load() {
    if (!Platform.isLinux()) {
      return null;
    }
    try {
      GlibcMalloc libc = Native.load(Platform.C_LIBRARY_NAME, GlibcMalloc.class);
      libc.mallinfo2(); // glibc 2.33 or newer; musl and older glibc fail here
      return libc;
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      log.info("glibc malloc not found ({}): the C heap is not trimmed after jobs", e.toString());
      return null;
    }
  }

  /** The glibc functions used, as JNA binds them. */
  interface GlibcMalloc extends Library {
    int malloc_trim(long pad);

    int mallopt(int param, int value);

    MallInfo2.ByValue mallinfo2();
  }

  /** glibc's {@code struct mallinfo2}: ten {@code size_t} fields. */
  @Structure.FieldOrder({"arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
      "keepcost"})
  public static class MallInfo2 extends Structure {
    public long arena;
    public long ordblks;
    public long smblks;
    public long hblks;
    public long hblkhd;
    public long usmblks;
    public long fsmblks;
    public long uordblks;
    public long fordblks;
    public long keepcost;

    /** Returned by value. */
    public static class ByValue extends MallInfo2 implements Structure.ByValue {}
  }
}
