package dev.walt.api;

import dev.walt.auth.Caller;
import dev.walt.jobs.Job;
import dev.walt.jobs.VideoJobs;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-Sent Events of a video's status and progress. Each open stream reads its job row every
 * {@code walt.api.events.poll-interval} on a small shared scheduler and sends an event when status,
 * progress, stage or the live preview changed: {@code status} when the status changed, {@code progress}
 * otherwise; the
 * data is the video object. The stream ends after a terminal status (or when the video is deleted:
 * event {@code deleted}). Streams per instance are bounded ({@code walt.api.events.max-streams}).
 *
 * <p>On shutdown the open streams are ended first (this lifecycle stops before the web server's
 * graceful shutdown), so that they do not hold the shutdown up; clients reconnect to another replica.
 */
@Component
class VideoEventStreams implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(VideoEventStreams.class);
  private static final long KEEPALIVE_NANOS = TimeUnit.SECONDS.toNanos(15);

  private final VideoJobs jobs;
  private final VideoViews views;
  private final ApiSettings.Events settings;
  private final Semaphore permits;
  private final ScheduledExecutorService scheduler;
  private final Set<SseEmitter> open = ConcurrentHashMap.newKeySet();
  private volatile boolean running;

  VideoEventStreams(VideoJobs jobs, VideoViews views, ApiSettings settings) {
    this.jobs = jobs;
    this.views = views;
    this.settings = settings.events();
    this.permits = new Semaphore(this.settings.maxStreams());
    this.scheduler = Executors.newScheduledThreadPool(2, runnable -> {
      Thread thread = new Thread(runnable, "video-events");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Opens a stream for a job of the caller; 404 when there is none, 503 when too many streams are open. */
  SseEmitter open(Caller caller, UUID jobId) {
    Job first = jobs.find(caller.tenantId(), jobId).orElseThrow(Problems::videoNotFound);
    if (!running || !permits.tryAcquire()) {
      ErrorResponseException e = Problems.problem(HttpStatus.SERVICE_UNAVAILABLE, "too-many-streams", "Too many event streams",
          "this instance has too many open event streams; poll GET /v1/videos/{id} or retry later");
      e.getHeaders().set(HttpHeaders.RETRY_AFTER, "5");
      throw e;
    }
    SseEmitter emitter = new SseEmitter(settings.timeout().toMillis());
    open.add(emitter);
    Stream stream = new Stream(caller.tenantId(), jobId, emitter);
    AtomicReference<@Nullable ScheduledFuture<?>> task = new AtomicReference<>();
    Runnable release = () -> {
      if (open.remove(emitter)) {
        permits.release();
      }
      ScheduledFuture<?> f = task.get();
      if (f != null) {
        f.cancel(false);
      }
    };
    emitter.onCompletion(release);
    emitter.onTimeout(() -> {
      release.run();
      emitter.complete();
    });
    emitter.onError(t -> release.run());
    // the first event is sent right away from the job just read
    if (!stream.publish(first)) {
      release.run();
      return emitter;
    }
    long interval = settings.pollInterval().toMillis();
    task.set(scheduler.scheduleWithFixedDelay(() -> {
      try {
        Job job = jobs.find(stream.tenantId, stream.jobId).orElse(null);
        if (job == null) {
          stream.send("deleted", java.util.Map.of("id", stream.jobId.toString(), "object", "video", "deleted", true));
          emitter.complete();
          release.run();
        } else if (!stream.publish(job)) {
          release.run();
        }
      } catch (RuntimeException e) {
        log.debug("event stream of {} poll failed: {}", stream.jobId, e.toString());
      }
    }, interval, interval, TimeUnit.MILLISECONDS));
    return emitter;
  }

  int openStreams() {
    return open.size();
  }

  @Override
  public void start() {
    running = true;
  }

  /** Ends every open stream (before the web server drains its requests). */
  @Override
  public void stop() {
    running = false;
    for (SseEmitter emitter : open) {
      try {
        emitter.complete();
      } catch (RuntimeException ignored) {
        // the client is gone
      }
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @PreDestroy
  void close() {
    running = false;
    scheduler.shutdownNow();
    for (SseEmitter emitter : open) {
      try {
        emitter.complete();
      } catch (RuntimeException ignored) {
        // the client is gone
      }
    }
  }

  /** One open stream and what it last sent. */
  private final class Stream {
    final UUID tenantId;
    final UUID jobId;
    final SseEmitter emitter;
    private final AtomicLong sequence = new AtomicLong();
    private volatile @Nullable String lastStatus;
    private volatile int lastProgress = -1;
    private volatile @Nullable String lastStage;
    private volatile @Nullable Instant lastPreview;
    private volatile long lastSent = System.nanoTime();

    Stream(UUID tenantId, UUID jobId, SseEmitter emitter) {
      this.tenantId = tenantId;
      this.jobId = jobId;
      this.emitter = emitter;
    }

    /** Sends an event when something changed; false once the stream is finished (terminal or gone). */
    synchronized boolean publish(Job job) {
      String status = job.status().wire();
      boolean statusChanged = !status.equals(lastStatus);
      Instant preview = VideoViews.livePreviewKey(job) == null ? null : job.previewUpdatedAt();
      boolean changed = statusChanged || job.progress() != lastProgress || !Objects.equals(job.stage(), lastStage)
          || !Objects.equals(preview, lastPreview);
      if (changed) {
        lastStatus = status;
        lastProgress = job.progress();
        lastStage = job.stage();
        lastPreview = preview;
        if (!send(statusChanged ? "status" : "progress", views.view(job))) {
          return false;
        }
      } else if (System.nanoTime() - lastSent > KEEPALIVE_NANOS) {
        try {
          emitter.send(SseEmitter.event().comment("keep-alive"));
          lastSent = System.nanoTime();
        } catch (IOException | IllegalStateException e) {
          return false;
        }
      }
      if (job.status().terminal()) {
        emitter.complete();
        return false;
      }
      return true;
    }

    synchronized boolean send(String name, Object data) {
      try {
        emitter.send(SseEmitter.event()
            .id(Long.toString(sequence.incrementAndGet()))
            .name(name)
            .data(data, MediaType.APPLICATION_JSON));
        lastSent = System.nanoTime();
        return true;
      } catch (IOException | IllegalStateException e) {
        return false; // the client went away, or the stream completed
      }
    }
  }
}
