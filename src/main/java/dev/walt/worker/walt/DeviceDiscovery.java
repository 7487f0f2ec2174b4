package dev.walt.worker.walt;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which devices this instance's workers run on, found through DJL: one worker per CUDA GPU
 * ({@code cuda:0}, {@code cuda:1}, ...); without a GPU (or with {@code walt.model.device=cpu}),
 * {@code walt.worker.threads} CPU workers.
 *
 * <p>CPU workers default to one because PyTorch already spreads each operator over all cores
 * (intra-op threads): two CPU workers would only fight for the same cores. With more CPU workers, each
 * should get a share: when {@code ai.djl.pytorch.num_threads} is not set, it is set to cores / workers
 * before the engine starts.
 */
final class DeviceDiscovery {

  private static final Logger log = LoggerFactory.getLogger(DeviceDiscovery.class);
  static final String NUM_THREADS = "ai.djl.pytorch.num_threads";

  private DeviceDiscovery() {}

  /** The device of each worker, in worker order. */
  static List<Device> devices(ModelSettings.DeviceChoice choice, int cpuWorkers) {
    if (choice != ModelSettings.DeviceChoice.CPU) {
      // the engine starts here: share the cores first in case it turns out to be CPU only
      shareCores(cpuWorkers);
      int gpus = Engine.getInstance().getGpuCount();
      if (gpus > 0) {
        List<Device> out = new ArrayList<>();
        for (int i = 0; i < gpus; i++) {
          out.add(Device.gpu(i));
        }
        log.info("workers: one per CUDA GPU, {} ({})", gpus, out);
        return out;
      }
      if (choice == ModelSettings.DeviceChoice.CUDA) {
        throw new IllegalStateException("walt.model.device=cuda but DJL sees no CUDA GPU (engine "
            + Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion()
            + "): build with -Pcuda and run on a machine with NVIDIA drivers");
      }
    } else {
      shareCores(cpuWorkers);
    }
    List<Device> out = new ArrayList<>();
    for (int i = 0; i < cpuWorkers; i++) {
      out.add(Device.cpu());
    }
    log.info("workers: {} on CPU ({}={})", cpuWorkers, NUM_THREADS, System.getProperty(NUM_THREADS, "all cores"));
    return out;
  }

  private static void shareCores(int cpuWorkers) {
    if (cpuWorkers > 1 && System.getProperty(NUM_THREADS) == null) {
      int share = Math.max(1, Runtime.getRuntime().availableProcessors() / cpuWorkers);
      System.setProperty(NUM_THREADS, String.valueOf(share));
    }
  }
}
