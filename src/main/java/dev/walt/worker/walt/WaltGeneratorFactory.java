package dev.walt.worker.walt;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import dev.walt.model.WaltModel;
import dev.walt.model.pipeline.GenerationListener;
import dev.walt.model.pipeline.GenerationSpec;
import dev.walt.model.pipeline.WaltPipeline;
import dev.walt.worker.VideoGeneratorFactory;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates each worker's {@link WaltVideoGenerator} on that worker's thread: loads the model onto the
 * worker's device (or, with {@code walt.model.random-init}, draws random weights), runs one tiny
 * warm-up generation, trims the C heap like after every job ({@link WaltVideoGenerator#afterJob}), and
 * only then returns, so that the worker reports ready warmed up.
 */
final class WaltGeneratorFactory implements VideoGeneratorFactory {

  private static final Logger log = LoggerFactory.getLogger(WaltGeneratorFactory.class);

  private final ModelSettings settings;
  private final NativeMemorySettings nativeMemory;
  private final ModelFolder folder;
  private final List<Device> devices;
  private final AtomicInteger warmedUp = new AtomicInteger();

  WaltGeneratorFactory(
      ModelSettings settings, NativeMemorySettings nativeMemory, ModelFolder folder, List<Device> devices) {
    this.settings = settings;
    this.nativeMemory = nativeMemory;
    this.folder = folder;
    this.devices = List.copyOf(devices);
    log.info("C heap: free pages given back after each job: {}", !nativeMemory.trimAfterJob() ? "no (off)"
        : NativeMemory.available() ? "yes" : "no (not glibc)");
    NativeMemory.keepBlocksInHeapUpTo(nativeMemory.heapBlocksUpTo().toBytes());
  }

  @Override
  public int workers(int configured) {
    return devices.size();
  }

  @Override
  public WaltVideoGenerator create(int workerIndex) throws IOException {
    Device device = devices.get(workerIndex);
    Engine.getInstance(); // loads the native library (JniUtils needs it)
    JniUtils.setGradMode(false); // grad mode is per thread: off for all of this worker's inference
    long start = System.nanoTime();
    WaltModel model = load(device);
    try {
      WaltVideoGenerator generator = new WaltVideoGenerator(new WaltPipeline(model), nativeMemory);
      warmUp(generator.pipeline());
      generator.afterJob();
      warmedUp.incrementAndGet();
      log.info("worker {}: model {} on {} loaded and warmed up in {} ms", workerIndex, folder.config().name(),
          device, (System.nanoTime() - start) / 1_000_000);
      return generator;
    } catch (RuntimeException | Error e) {
      model.close();
      throw e;
    }
  }

  private WaltModel load(Device device) throws IOException {
    if (settings.randomInit()) {
      log.warn("!!! walt.model.random-init=true: model {} gets RANDOM weights (seed {}) instead of {}: videos are"
          + " noise. A developer and test switch; never use it in production !!!", folder.config().name(),
          settings.randomSeed(), folder.location());
      return WaltModel.randomWeights(folder.config(), settings.randomSeed(), device);
    }
    return WaltModel.load(folder.location(), device);
  }

  /** One generation of the shortest length with few steps: first-call costs are paid before any job. */
  private void warmUp(WaltPipeline pipeline) {
    var limits = pipeline.limits();
    GenerationSpec spec = GenerationSpec.text("warm up", limits.frames().get(0), 0)
        .withSteps(Math.max(limits.minSteps(), Math.min(settings.warmupSteps(), limits.maxSteps())));
    pipeline.generate(spec, GenerationListener.NONE, () -> false);
  }

  /** Workers that finished loading and warming up. */
  int warmedUp() {
    return warmedUp.get();
  }
}
