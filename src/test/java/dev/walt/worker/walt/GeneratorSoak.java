package dev.walt.worker.walt;

import dev.walt.worker.GeneratedVideo;
import dev.walt.worker.GenerationContext;
import dev.walt.worker.GenerationTask;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Soak benchmark (not a test): one worker's generator runs many generations back to back; heap (after a
 * GC) and resident memory (VmRSS from /proc/self/status) are printed before and after, to show that a
 * long-running worker does not grow.
 *
 * <pre>
 * ./mvnw -o -q test-compile
 * java -Dai.djl.offline=true -cp target/test-classes:target/classes:$(cat target/classpath.txt) \
 *     dev.walt.worker.walt.GeneratorSoak [generations=50] [steps=2] [model=classpath:models/walt-tiny/ | small | folder]
 * </pre>
 *
 * Uses random weights ({@code walt.model.random-init}); the model's shapes and so its memory use are the
 * configured model's.
 */
public final class GeneratorSoak {

  public static void main(String[] args) throws Exception {
    int generations = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    String location = args.length > 2 ? args[2] : ModelSettings.BUNDLED;
    if (location.equals("small")) {
      location = SmallModel.folder().toString(); // the tests' small config (64x64, two stages)
    }
    ModelSettings settings = new ModelSettings(location, ModelSettings.DeviceChoice.CPU, true, 42, 1);
    ModelFolder folder = ModelFolder.open(location);
    var factory = new WaltGeneratorFactory(settings, folder, DeviceDiscovery.devices(settings.device(), 1));
    WaltVideoGenerator generator = factory.create(0);
    var limits = generator.pipeline().limits();
    GenerationContext quiet = new GenerationContext() {
      @Override public void progress(int percent, String stage) {}
      @Override public boolean cancelled() { return false; }
    };
    // a few generations first, so that allocator pools and caches are at their steady size
    for (int i = 0; i < 3; i++) {
      run(generator, limits, i, steps, quiet);
    }
    Memory before = Memory.now();
    System.out.printf(Locale.ROOT, "before: heap %.1f MiB, RSS %.1f MiB%n", before.heapMiB(), before.rssMiB());
    long start = System.nanoTime();
    for (int i = 0; i < generations; i++) {
      run(generator, limits, 1000 + i, steps, quiet);
      if ((i + 1) % 10 == 0) {
        Memory m = Memory.now();
        System.out.printf(Locale.ROOT, "after %d: heap %.1f MiB, RSS %.1f MiB%n", i + 1, m.heapMiB(), m.rssMiB());
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Memory after = Memory.now();
    System.out.printf(Locale.ROOT, "after: heap %.1f MiB, RSS %.1f MiB%n", after.heapMiB(), after.rssMiB());
    System.out.printf(Locale.ROOT,
        "%d generations of %s (%d frames %dx%d, %d base steps) in %.1f s (%.2f s each); heap %+.1f%%, RSS %+.1f%%%n",
        generations, limits.model(), limits.frames().get(0), limits.width(), limits.height(), steps, seconds,
        seconds / generations, 100 * (after.heapMiB() / before.heapMiB() - 1), 100 * (after.rssMiB() / before.rssMiB() - 1));
    generator.close();
  }

  private static GeneratedVideo run(WaltVideoGenerator generator, dev.walt.model.pipeline.ModelLimits limits, long seed,
      int steps, GenerationContext context) throws Exception {
    var task = new GenerationTask(UUID.randomUUID(), 1, "a red ball moves left", null, limits.frames().get(0),
        limits.width(), limits.height(), limits.fps(), seed, steps, 4.0f, null);
    return generator.generate(task, context);
  }

  record Memory(double heapMiB, double rssMiB) {
    static Memory now() throws Exception {
      for (int i = 0; i < 3; i++) {
        System.gc();
        Thread.sleep(100);
      }
      var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
      double rss = Double.NaN;
      List<String> status = Files.readAllLines(Path.of("/proc/self/status"));
      for (String line : status) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
      return new Memory(heap.getUsed() / (1024.0 * 1024.0), rss);
    }
  }
}
