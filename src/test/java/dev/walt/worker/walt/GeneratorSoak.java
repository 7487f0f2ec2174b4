package dev.walt.worker.walt;

import dev.walt.model.pipeline.ModelLimits;
import dev.walt.video.Clip;
import dev.walt.video.VideoEncoder;
import dev.walt.worker.GeneratedVideo;
import dev.walt.worker.GenerationContext;
import dev.walt.worker.GenerationTask;
import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * Soak benchmark (not a test): one worker's generator runs many jobs back to back, each as the worker
 * runs it without the database and the object store: generate (with the throttled previews encoded to
 * WebM), encode the MP4, thumbnail and preview, then {@link WaltVideoGenerator#afterJob()}. Printed
 * before (after the warm-up the worker runs before it reports ready, and 3 more jobs) and every few
 * jobs: heap after a GC, resident memory (VmRSS from /proc/self/status), the C heap (glibc {@code
 * mallinfo2}: obtained, in use, free), the NDArrays alive under the model's manager, and, when the JVM
 * runs with {@code -XX:NativeMemoryTracking=summary}, what the JVM itself has committed.
 *
 * <pre>
 * ./mvnw -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
 * java -Dai.djl.offline=true -XX:NativeMemoryTracking=summary \
 *     -cp target/test-classes:target/classes:$(cat target/classpath.txt) \
 *     dev.walt.worker.walt.GeneratorSoak [jobs=50] [steps=2] [model=classpath:models/walt-tiny/ | small | folder]
 * </pre>
 *
 * System properties: {@code soak.trim} ({@code walt.worker.native-memory.trim-after-job}, default true),
 * {@code soak.heap-blocks-up-to} ({@code walt.worker.native-memory.heap-blocks-up-to}, default 1GB),
 * {@code soak.every} (jobs between two reports, default 10), {@code soak.trace} (RSS right after every job,
 * without a GC). glibc's own variables apply too (e.g. {@code MALLOC_MMAP_THRESHOLD_=131072}, {@code
 * MALLOC_ARENA_MAX=2} in the environment). The model's own weights (the bundled walt-tiny by default); {@code
 * -Dsoak.random-init=true} uses random ones of the same shapes ({@code walt.model.random-init}, the memory use is
 * the same), as the {@code small} config, which has no weights, always does.
 */
public final class GeneratorSoak {

  public static void main(String[] args) throws Exception {
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    String location = args.length > 2 ? args[2] : ModelSettings.BUNDLED;
    boolean small = location.equals("small");
    if (small) {
      location = SmallModel.folder().toString(); // the tests' small config (64x64, two stages), no weights
    }
    boolean randomInit = Boolean.parseBoolean(System.getProperty("soak.random-init", String.valueOf(small)));
    int every = Integer.getInteger("soak.every", 10);
    boolean trace = Boolean.getBoolean("soak.trace");
    var nativeMemory = new NativeMemorySettings(Boolean.parseBoolean(System.getProperty("soak.trim", "true")),
        System.getProperty("soak.heap-blocks-up-to") == null
            ? NativeMemorySettings.DEFAULT_HEAP_BLOCKS
            : org.springframework.util.unit.DataSize.parse(System.getProperty("soak.heap-blocks-up-to")));
    ModelSettings settings = new ModelSettings(location, ModelSettings.DeviceChoice.CPU, randomInit, 42, 1);
    ModelFolder folder = ModelFolder.open(location);
    var factory = new WaltGeneratorFactory(settings, nativeMemory, folder, DeviceDiscovery.devices(settings.device(), 1));
    System.out.printf(Locale.ROOT, "settings: %s, glibc malloc %s, model %s (%s weights)%n", nativeMemory,
        NativeMemory.available(), location, randomInit ? "random" : "its own");
    WaltVideoGenerator generator = factory.create(0); // loads, warms up, trims (when on): "ready"
    ModelLimits limits = generator.pipeline().limits();
    VideoEncoder encoder = new VideoEncoder();
    report("ready", generator);
    for (int i = 0; i < 3; i++) {
      job(generator, encoder, limits, i, steps);
    }
    Memory before = report("before", generator);
    long start = System.nanoTime();
    for (int i = 0; i < jobs; i++) {
      job(generator, encoder, limits, 1000 + i, steps);
      if (trace) {
        Memory m = Memory.withoutGc();
        System.out.printf(Locale.ROOT, "job %d: RSS %.1f MiB (anon %.1f)%n", i + 1, m.rssMiB(), m.anonMiB());
      }
      if ((i + 1) % every == 0 && i + 1 < jobs) {
        report("after " + (i + 1), generator);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "afterJob (trim %s): %.1f ms per job on average, %.1f ms at most%n",
        nativeMemory.trimAfterJob() ? "on" : "off", afterJobNanos / 1e6 / (jobs + 3), afterJobMaxNanos / 1e6);
    Memory after = report("after " + jobs, generator);
    System.out.printf(Locale.ROOT,
        "%d jobs of %s (%d frames %dx%d, %d base steps) in %.1f s (%.2f s each); heap %+.1f%%, RSS %+.1f%% (%+.1f MiB;"
            + " anon %+.1f, file %+.1f)%n",
        jobs, limits.model(), limits.frames().get(0), limits.width(), limits.height(), steps, seconds,
        seconds / jobs, 100 * (after.heapMiB() / before.heapMiB() - 1), 100 * (after.rssMiB() / before.rssMiB() - 1),
        after.rssMiB() - before.rssMiB(), after.anonMiB() - before.anonMiB(), after.fileMiB() - before.fileMiB());
    generator.close();
  }

  /** One job as the worker runs it, minus the database and the object store. */
  private static void job(WaltVideoGenerator generator, VideoEncoder encoder, ModelLimits limits, long seed, int steps)
      throws Exception {
    var task = new GenerationTask(UUID.randomUUID(), 1, "a red ball moves left", null, limits.frames().get(0),
        limits.width(), limits.height(), limits.fps(), seed, steps, 4.0f, null);
    GenerationContext context = new GenerationContext() {
      @Override public void progress(int percent, String stage) {}
      @Override public boolean cancelled() { return false; }
      @Override public void preview(List<BufferedImage> frames, int fps) {
        encoder.previewWebm(new Clip(frames, fps));
      }
    };
    GeneratedVideo video = generator.generate(task, context);
    Clip clip = new Clip(video.frames(), video.fps());
    encoder.encodeMp4(clip);
    encoder.thumbnailJpeg(clip);
    encoder.previewWebm(clip);
    long start = System.nanoTime();
    generator.afterJob();
    long nanos = System.nanoTime() - start;
    afterJobNanos += nanos;
    afterJobMaxNanos = Math.max(afterJobMaxNanos, nanos);
  }

  private static long afterJobNanos;
  private static long afterJobMaxNanos;

  private static Memory report(String label, WaltVideoGenerator generator) throws Exception {
    Memory m = Memory.now();
    String cHeap = NativeMemory.stats()
        .map(s -> String.format(Locale.ROOT, "C heap %.1f MiB (in use %.1f, free %.1f, mapped %.1f in %d)",
            mib(s.total()), mib(s.inUse()), mib(s.free()), mib(s.mapped()), s.mappedChunks()))
        .orElse("C heap: no statistics");
    System.out.printf(Locale.ROOT, "%s: heap %.1f MiB (committed %.1f), RSS %.1f MiB (anon %.1f, file %.1f), %s, NDArrays %d%s%n",
        label, m.heapMiB(), m.heapCommittedMiB(), m.rssMiB(), m.anonMiB(), m.fileMiB(), cHeap,
        generator.pipeline().model().manager().getManagedArrays().size(), jvmCommitted());
    System.out.printf(Locale.ROOT, "  resident by mapping: %s%n", residentByMapping());
    return m;
  }

  /**
   * Resident memory by kind of mapping (from /proc/self/smaps), in MiB: the Java heap (the range the
   * JVM reserved for it, from {@code GC.heap_info}), glibc's main arena ({@code [heap]})
   * and its thread arenas (anonymous mappings aligned to their 64 MiB reservation), other anonymous
   * memory (thread stacks, JIT code, metaspace, chunks malloc mapped on their own), and files.
   */
  static String residentByMapping() throws java.io.IOException {
    long arenaAlign = 64L << 20;
    record Mapping(long start, long end, String path, long rssKiB) {}
    List<Mapping> mappings = new java.util.ArrayList<>();
    long start = 0;
    long end = 0;
    String path = "";
    for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
      if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
        String[] f = line.trim().split("\\s+", 6);
        String[] range = f[0].split("-");
        start = Long.parseUnsignedLong(range[0], 16);
        end = Long.parseUnsignedLong(range[1], 16);
        path = f.length > 5 ? f[5] : "";
      } else if (line.startsWith("Rss:")) {
        mappings.add(new Mapping(start, end, path, Long.parseLong(line.replaceAll("[^0-9]", ""))));
      }
    }
    long[] heapRange = javaHeapRange();
    double javaHeap = 0, main = 0, arenas = 0, otherAnon = 0, files = 0;
    int arenaCount = 0;
    for (Mapping m : mappings) {
      double mib = m.rssKiB() / 1024.0;
      if (m.path().equals("[heap]")) {
        main += mib;
      } else if (!m.path().isEmpty() && !m.path().startsWith("[")) {
        files += mib;
      } else if (m.path().isEmpty() && m.start() >= heapRange[0] && m.end() <= heapRange[1]) {
        javaHeap += mib;
      } else if (m.path().isEmpty() && m.start() % arenaAlign == 0 && m.end() - m.start() <= arenaAlign) {
        arenas += mib;
        arenaCount++;
      } else {
        otherAnon += mib;
      }
    }
    return String.format(Locale.ROOT, "Java heap %.1f, main arena %.1f, %d thread arenas %.1f, other anonymous %.1f, files %.1f",
        javaHeap, main, arenaCount, arenas, otherAnon, files);
  }

  private static double mib(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }

  /** The address range reserved for the Java heap, from the {@code GC.heap_info} diagnostic command. */
  static long[] javaHeapRange() {
    try {
      String out = (String) ManagementFactory.getPlatformMBeanServer().invoke(
          new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcHeapInfo",
          new Object[] {new String[0]}, new String[] {String[].class.getName()});
      Matcher range = Pattern.compile("\\[0x([0-9a-f]+), 0x([0-9a-f]+)\\)").matcher(out);
      if (range.find()) {
        return new long[] {Long.parseUnsignedLong(range.group(1), 16), Long.parseUnsignedLong(range.group(2), 16)};
      }
    } catch (Exception e) {
      // unknown: nothing counts as Java heap
    }
    return new long[] {0, 0};
  }

  /** The JVM's own committed memory by NMT (", JVM 123.4 MiB"), or "" when NMT is off. */
  private static String jvmCommitted() {
    try {
      String out = (String) ManagementFactory.getPlatformMBeanServer().invoke(
          new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
          new Object[] {new String[] {"summary", "scale=KB"}}, new String[] {String[].class.getName()});
      Matcher total = Pattern.compile("Total: reserved=\\d+KB, committed=(\\d+)KB").matcher(out);
      Matcher heap = Pattern.compile("Java Heap \\(reserved=\\d+KB, committed=(\\d+)KB").matcher(out);
      if (total.find() && heap.find()) {
        return String.format(Locale.ROOT, ", JVM (NMT) %.1f MiB of which heap %.1f",
            Long.parseLong(total.group(1)) / 1024.0, Long.parseLong(heap.group(1)) / 1024.0);
      }
      return "";
    } catch (Exception e) {
      return "";
    }
  }

  /** Heap used and committed after a GC; VmRSS and its anonymous and file-backed parts. */
  record Memory(double heapMiB, double heapCommittedMiB, double rssMiB, double anonMiB, double fileMiB) {
    static Memory now() throws Exception {
      for (int i = 0; i < 3; i++) {
        System.gc();
        Thread.sleep(100);
      }
      return withoutGc();
    }

    static Memory withoutGc() throws IOException {
      var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
      double rss = Double.NaN;
      double anon = Double.NaN;
      double file = Double.NaN;
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        double kib = line.matches("^(VmRSS|RssAnon|RssFile):.*") ? Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 : 0;
        if (line.startsWith("VmRSS:")) {
          rss = kib;
        } else if (line.startsWith("RssAnon:")) {
          anon = kib;
        } else if (line.startsWith("RssFile:")) {
          file = kib;
        }
      }
      return new Memory(heap.getUsed() / (1024.0 * 1024.0), heap.getCommitted() / (1024.0 * 1024.0), rss, anon, file);
    }
  }
}
