package dev.walt.worker;

import dev.walt.jobs.JobNotifications;
import dev.walt.jobs.JobQueue;
import dev.walt.storage.ObjectStorage;
import dev.walt.system.ConditionalOnRole;
import dev.walt.system.Role;
import dev.walt.video.ImageDecoder;
import dev.walt.video.VideoEncoder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * The workers of this instance ({@code walt.worker.threads} platform threads, each with its own
 * generator), their heartbeat and their wake-ups.
 *
 * <p>Starts only when {@code walt.worker.enabled} and a {@link VideoGeneratorFactory} bean exists
 * (otherwise it logs why not). On shutdown ({@link SmartLifecycle#stop(Runnable)}) it stops claiming at
 * once, lets running jobs finish within {@code walt.worker.drain-grace-period}, then asks the rest to
 * stop and hands their jobs back to the queue (guarded, without using up an attempt).
 */
@Component
@ConditionalOnRole(Role.WORKER)
public class WorkerPool implements SmartLifecycle, JobNotifications.Subscriber {

  private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);
  /** After the grace period, how long a generator gets to notice the release before it is forced. */
  private static final Duration RELEASE_WAIT = Duration.ofSeconds(3);

  private final WorkerSettings settings;
  private final JobQueue queue;
  private final JobNotifications notifications;
  private final ObjectStorage storage;
  private final VideoEncoder encoder;
  private final ImageDecoder decoder;
  private final ObjectProvider<VideoGeneratorFactory> factories;
  private final MeterRegistry meters;
  private final Wakeup wakeup = new Wakeup();
  private final Map<UUID, RunningJob> running = new ConcurrentHashMap<>();
  private final List<Thread> threads = new ArrayList<>();

  private volatile boolean draining;
  private volatile boolean started;
  private @Nullable VideoGeneratorFactory factory;
  private @Nullable ScheduledExecutorService heartbeat;

  WorkerPool(
      WorkerSettings settings,
      JobQueue queue,
      JobNotifications notifications,
      ObjectStorage storage,
      VideoEncoder encoder,
      ImageDecoder decoder,
      ObjectProvider<VideoGeneratorFactory> factories,
      MeterRegistry meters) {
    this.settings = settings;
    this.queue = queue;
    this.notifications = notifications;
    this.storage = storage;
    this.encoder = encoder;
    this.decoder = decoder;
    this.factories = factories;
    this.meters = meters;
    Gauge.builder("walt.worker.busy", running, Map::size)
        .description("jobs this instance's workers are running")
        .register(meters);
  }

  @Override
  public synchronized void start() {
    if (started) {
      return;
    }
    if (!settings.enabled()) {
      log.info("worker pool disabled (walt.worker.enabled=false): this instance runs no jobs");
      return;
    }
    VideoGeneratorFactory found = factories.getIfAvailable();
    if (found == null) {
      log.warn("worker pool not started: there is no VideoGeneratorFactory bean (no video model is"
          + " configured), so this instance runs no jobs");
      return;
    }
    if (settings.heartbeatInterval().compareTo(settings.leaseDuration()) >= 0) {
      log.warn("walt.worker.heartbeat-interval ({}) is not shorter than walt.worker.lease-duration ({}):"
          + " running jobs will be rescued from live workers", settings.heartbeatInterval(), settings.leaseDuration());
    }
    factory = found;
    started = true;
    draining = false;
    String instance = instanceName();
    for (int i = 0; i < settings.threads(); i++) {
      String workerId = instance + "/" + i;
      Thread thread = new Thread(
          new Worker(this, i, workerId, queue, storage, encoder, decoder, settings, meters), "walt-worker-" + i);
      thread.setDaemon(false);
      threads.add(thread);
    }
    ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "walt-worker-heartbeat");
      t.setDaemon(true);
      return t;
    });
    long interval = settings.heartbeatInterval().toMillis();
    beat.scheduleWithFixedDelay(this::heartbeat, interval, interval, TimeUnit.MILLISECONDS);
    heartbeat = beat;
    notifications.subscribe(this);
    threads.forEach(Thread::start);
    log.info("worker pool started: {} workers ({})", settings.threads(), instance);
  }

  @Override
  public void stop() {
    drain();
  }

  @Override
  public void stop(Runnable callback) {
    Thread stopper = new Thread(() -> {
      try {
        drain();
      } finally {
        callback.run();
      }
    }, "walt-worker-drain");
    stopper.start();
  }

  @Override
  public boolean isRunning() {
    return started;
  }

  /** Stops first among the lifecycle beans, while the database and the listener are still there. */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE;
  }

  /**
   * Stops claiming, waits for running jobs up to the grace period, then releases the rest. Returns when
   * every worker thread ended (or was abandoned after the release wait).
   */
  void drain() {
    List<Thread> workers;
    synchronized (this) {
      if (!started) {
        return;
      }
      started = false;
      draining = true;
      workers = List.copyOf(threads);
      threads.clear();
    }
    notifications.unsubscribe(this);
    wakeup.signalAll();
    if (!running.isEmpty()) {
      log.info("worker pool draining: {} running jobs get {} to finish", running.size(), settings.drainGracePeriod());
    }
    long deadline = System.nanoTime() + settings.drainGracePeriod().toNanos();
    joinAll(workers, deadline);
    if (!running.isEmpty()) {
      // grace period over: the generators see cancelled() at their next step and the worker releases
      running.values().forEach(r -> {
        r.releasing = true;
        r.thread.interrupt();
      });
      joinAll(workers, System.nanoTime() + RELEASE_WAIT.toNanos());
      for (RunningJob stuck : running.values()) {
        // the generator ignores cancellation: release here; its late writes fail their guard
        try {
          queue.release(stuck.job.id(), stuck.job.attempt());
          log.warn("job {} released while its generator still ran", stuck.job.id());
        } catch (DataAccessException e) {
          log.warn("job {} could not be released ({}); the rescuer will take it", stuck.job.id(), e.toString());
        }
      }
    }
    ScheduledExecutorService beat = heartbeat;
    heartbeat = null;
    if (beat != null) {
      beat.shutdownNow();
    }
    log.info("worker pool stopped");
  }

  private static void joinAll(List<Thread> workers, long deadlineNanos) {
    for (Thread t : workers) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        return;
      }
      try {
        TimeUnit.NANOSECONDS.timedJoin(t, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Extends the lease of every running job; learns of cancels and of jobs this instance lost. */
  private void heartbeat() {
    for (RunningJob r : running.values()) {
      if (r.lost) {
        continue; // told once; the worker stops at its next step
      }
      try {
        Optional<Boolean> answer = queue.heartbeat(r.job.id(), r.job.attempt(), settings.leaseDuration());
        r.observe(answer);
        if (answer.isEmpty() && !r.ending) {
          log.warn("job {} attempt {}: the lease is lost; stopping at the next step", r.job.id(), r.job.attempt());
        }
      } catch (RuntimeException e) {
        log.warn("heartbeat of job {} failed: {}", r.job.id(), e.toString());
      }
    }
  }

  // -- JobNotifications.Subscriber

  @Override
  public void jobQueued() {
    wakeup.signalAll();
  }

  @Override
  public void cancelRequested(UUID jobId) {
    RunningJob r = running.get(jobId);
    if (r != null) {
      r.cancelRequested = true;
    }
  }

  // -- for the workers

  boolean draining() {
    return draining;
  }

  Wakeup wakeup() {
    return wakeup;
  }

  VideoGeneratorFactory factory() {
    VideoGeneratorFactory f = factory;
    if (f == null) {
      throw new IllegalStateException("the pool is not started");
    }
    return f;
  }

  void started(RunningJob job) {
    running.put(job.job.id(), job);
  }

  void ended(RunningJob job) {
    running.remove(job.job.id(), job);
  }

  /** Jobs running on this instance now (for tests and diagnostics). */
  public int busy() {
    return running.size();
  }

  private static String instanceName() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "unknown";
    }
    String pid = String.valueOf(ProcessHandle.current().pid());
    String random = UUID.randomUUID().toString().substring(0, 6).toLowerCase(Locale.ROOT);
    return host + ":" + pid + ":" + random;
  }
}
