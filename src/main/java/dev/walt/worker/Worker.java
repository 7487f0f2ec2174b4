package dev.walt.worker;

import dev.walt.jobs.Job;
import dev.walt.jobs.JobQueue;
import dev.walt.jobs.JobObjects;
import dev.walt.storage.ObjectNotFoundException;
import dev.walt.storage.ObjectStorage;
import dev.walt.storage.StorageException;
import dev.walt.video.Clip;
import dev.walt.video.ImageDecoder;
import dev.walt.video.ImageRejectedException;
import dev.walt.video.VideoEncoder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.dao.DataAccessException;

/**
 * One worker thread: owns one generator, claims a job, runs it, publishes the result with the guarded
 * finish, and goes back to waiting. The attempt ends in exactly one guarded write (complete, retry or
 * fail, cancelled, released); when that write finds the job gone to another attempt, whatever this
 * attempt uploaded is removed.
 */
final class Worker implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  private final WorkerPool pool;
  private final int index;
  private final String workerId;
  private final JobQueue queue;
  private final ObjectStorage storage;
  private final VideoEncoder encoder;
  private final ImageDecoder decoder;
  private final WorkerSettings settings;
  private final MeterRegistry meters;

  Worker(WorkerPool pool, int index, String workerId, JobQueue queue, ObjectStorage storage,
      VideoEncoder encoder, ImageDecoder decoder, WorkerSettings settings, MeterRegistry meters) {
    this.pool = pool;
    this.index = index;
    this.workerId = workerId;
    this.queue = queue;
    this.storage = storage;
    this.encoder = encoder;
    this.decoder = decoder;
    this.settings = settings;
    this.meters = meters;
  }

  @Override
  public void run() {
    VideoGenerator generator;
    try {
      generator = pool.factory().create(index);
    } catch (Exception | LinkageError e) {
      log.error("worker {} cannot create its generator; it does not run: {}", workerId, e.toString(), e);
      pool.workerFailed(e);
      return;
    }
    log.info("worker {} ready", workerId);
    pool.workerReady();
    while (!pool.draining()) {
      long seen = pool.wakeup().sequence();
      Optional<Job> claimed;
      try {
        claimed = queue.claim(workerId, settings.leaseDuration());
      } catch (DataAccessException e) {
        log.warn("worker {} cannot claim ({}); retrying after the poll interval", workerId, e.toString());
        if (!idle(seen)) {
          break;
        }
        continue;
      }
      if (claimed.isPresent()) {
        run(claimed.get(), generator);
      } else if (!idle(seen)) {
        break;
      }
    }
    log.info("worker {} stopped", workerId);
  }

  /**
   * Waits for a wake-up, the poll interval, or until the earliest queued job (a retry waiting out its
   * backoff) is due, whichever comes first; false when interrupted (the pool is stopping).
   */
  private boolean idle(long seen) {
    Duration wait = settings.pollInterval();
    try {
      Optional<Duration> due = queue.untilNextDue();
      if (due.isPresent() && due.get().compareTo(wait) < 0) {
        wait = due.get().plusMillis(5);
      }
    } catch (DataAccessException e) {
      // the poll interval it is
    }
    try {
      pool.wakeup().await(seen, wait);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void run(Job job, VideoGenerator generator) {
    RunningJob running = new RunningJob(job, Thread.currentThread());
    pool.started(running);
    MDC.put("jobId", job.id().toString());
    List<String> uploaded = new ArrayList<>();
    String outcome;
    try {
      outcome = attempt(running, generator, uploaded);
    } catch (Exception e) {
      // the database went away at the end: the lease runs out and the rescuer decides
      log.warn("job {} attempt {}: could not record the outcome: {}", job.id(), job.attempt(), e.toString());
      outcome = "unrecorded";
    } finally {
      pool.ended(running);
      MDC.remove("jobId");
      Thread.interrupted(); // a drain interrupt must not leak into the next claim
    }
    // an unrecorded outcome may have committed (only the answer was lost): its objects stay, and the
    // retention cleanup removes the job's whole folder in the end
    if (!"completed".equals(outcome) && !"unrecorded".equals(outcome) && !uploaded.isEmpty()) {
      removeQuietly(job, uploaded);
    }
    meters.counter("walt.worker.attempts", "status", outcome).increment();
    try {
      generator.afterJob();
    } catch (RuntimeException e) {
      log.warn("worker {}: after-job clean-up failed: {}", workerId, e.toString());
    }
  }

  /** Runs one attempt to its guarded end; returns the outcome (a metric tag). */
  private String attempt(RunningJob running, VideoGenerator generator, List<String> uploaded) throws Exception {
    Job job = running.job;
    JobGenerationContext context = new JobGenerationContext(running, queue, settings.progressThrottle(),
        (frames, fps) -> publishPreview(running, uploaded, frames, fps));
    String step = "input";
    try {
      context.stage(0, "preparing");
      BufferedImage image = timed("input", () -> inputImage(job));
      step = "generate";
      GenerationTask task = new GenerationTask(job.id(), job.attempt(), job.prompt(), job.negativePrompt(),
          job.frames(), job.width(), job.height(), job.fps(), job.seed(), job.steps(), job.guidanceScale(), image);
      GeneratedVideo video = timed("generate", () -> generator.generate(task, context));
      context.checkCancelled();

      context.stage(99, "encoding");
      step = "encode";
      Clip clip = new Clip(video.frames(), video.fps());
      Encoded files = timed("encode", () ->
          new Encoded(encoder.encodeMp4(clip), encoder.thumbnailJpeg(clip), encoder.previewWebm(clip)));
      context.checkCancelled();

      String videoKey = JobObjects.outputKey(job.id(), job.attempt(), "video.mp4");
      String thumbnailKey = JobObjects.outputKey(job.id(), job.attempt(), "thumbnail.jpg");
      String previewKey = JobObjects.outputKey(job.id(), job.attempt(), "preview.webm");
      step = "upload";
      timed("upload", () -> {
        upload(running, uploaded, videoKey, files.video(), VideoEncoder.MP4_CONTENT_TYPE);
        upload(running, uploaded, thumbnailKey, files.thumbnail(), VideoEncoder.THUMBNAIL_CONTENT_TYPE);
        upload(running, uploaded, previewKey, files.preview(), VideoEncoder.PREVIEW_CONTENT_TYPE);
        return null;
      });

      running.ending = true;
      Optional<Job> done;
      try {
        done = queue.complete(job.id(), job.attempt(), videoKey, thumbnailKey, previewKey);
      } catch (DataAccessException e) {
        // it may have committed with only the answer lost: neither fail the job nor delete its objects
        throw new UnrecordedOutcome(e);
      }
      if (done.isEmpty()) {
        log.warn("job {} attempt {}: finished, but the job is no longer ours (rescued, cancelled or deleted);"
            + " the result is discarded", job.id(), job.attempt());
        return "lost";
      }
      log.info("job {} completed on attempt {}", job.id(), job.attempt());
      if (job.attempt() > 1) {
        sweepDeadAttempts(job);
      }
      return "completed";
    } catch (JobCancelledException e) {
      return stopped(running);
    } catch (UnrecordedOutcome e) {
      throw e;
    } catch (Exception | OutOfMemoryError | StackOverflowError e) {
      if (running.shouldStop()) {
        // a generator interrupted by the drain, or one whose job went away, may fail any way it likes
        return stopped(running);
      }
      // a refused or missing input image, or a request the generator cannot serve, fails the same way
      // every time; anything else (a device error, a storage hiccup) may pass on another attempt
      boolean retryable = !(e instanceof IllegalArgumentException || e instanceof ImageRejectedException
          || (step.equals("input") && e instanceof ObjectNotFoundException));
      String code = !retryable ? "invalid_input" : switch (step) {
        case "input" -> "input_unavailable";
        case "encode" -> "encoding_failed";
        case "upload" -> "upload_failed";
        default -> "generation_failed";
      };
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      log.warn("job {} attempt {} of {} failed: {}", job.id(), job.attempt(), job.maxAttempts(), e.toString(),
          retryable ? e : null);
      running.ending = true;
      Optional<Job> after = queue.failed(job, code, message, retryable);
      return after.map(j -> j.status().wire().equals("queued") ? "retried" : "failed").orElse("lost");
    }
  }

  /** The attempt stopped early: hand back on drain, record a requested cancel, or let go of a lost job. */
  private String stopped(RunningJob running) {
    Job job = running.job;
    running.ending = true;
    if (running.lost) {
      log.info("job {} attempt {}: stopped, the job is no longer ours", job.id(), job.attempt());
      return "lost";
    }
    if (running.releasing) {
      boolean released = queue.release(job.id(), job.attempt());
      log.info("job {} attempt {}: handed back to the queue on shutdown ({})", job.id(), job.attempt(),
          released ? "released" : "already gone");
      return released ? "released" : "lost";
    }
    Optional<Job> cancelled = queue.cancelled(job.id(), job.attempt());
    log.info("job {} attempt {}: cancelled", job.id(), job.attempt());
    return cancelled.isPresent() ? "cancelled" : "lost";
  }

  /**
   * Uploads a small WebM of the generation so far under the attempt's preview key (the finished
   * preview later replaces it) and points the job at it, guarded by the attempt. Best effort.
   */
  private void publishPreview(RunningJob running, List<String> uploaded, List<BufferedImage> frames, int fps) {
    Job job = running.job;
    String key = JobObjects.outputKey(job.id(), job.attempt(), "preview.webm");
    try {
      byte[] webm = encoder.previewWebm(new Clip(frames, fps));
      if (!uploaded.contains(key)) {
        uploaded.add(key);
      }
      storage.put(key, webm, VideoEncoder.PREVIEW_CONTENT_TYPE);
      running.observe(queue.preview(job.id(), job.attempt(), key));
    } catch (RuntimeException e) {
      log.debug("job {}: preview not published: {}", job.id(), e.toString());
    }
  }

  private @Nullable BufferedImage inputImage(Job job) {
    if (job.inputImageKey() == null) {
      return null;
    }
    // the same checks as at upload (size, format, pixel count), in case limits changed since
    return decoder.decode(storage.get(job.inputImageKey()));
  }

  /** The finishing write failed without an answer: whether it committed is unknown. */
  private static final class UnrecordedOutcome extends RuntimeException {
    UnrecordedOutcome(Throwable cause) {
      super(cause.toString(), cause, false, false);
    }
  }

  /** The published files of one attempt. */
  private record Encoded(byte[] video, byte[] thumbnail, byte[] preview) {}

  /**
   * Uploads one output, retrying with backoff while the object store is unavailable (up to
   * {@code walt.worker.upload-retry-for}); a job-level retry would spend an attempt and wait out the
   * job backoff, so that a 30 s outage could fail jobs for good (found by the reliability suite).
   */
  private void upload(RunningJob running, List<String> uploaded, String key, byte[] bytes, String contentType)
      throws InterruptedException {
    // recorded before the call: a failed upload may still have left a partial object to clean up
    uploaded.add(key);
    long deadline = System.nanoTime() + settings.uploadRetryFor().toNanos();
    long pauseMillis = 250;
    while (true) {
      try {
        storage.put(key, bytes, contentType);
        return;
      } catch (StorageException e) {
        if (running.shouldStop() || System.nanoTime() + pauseMillis * 1_000_000 > deadline) {
          throw e;
        }
        log.warn("job {} attempt {}: upload of {} failed ({}); retrying in {} ms", running.job.id(),
            running.job.attempt(), key, e.toString(), pauseMillis);
        Thread.sleep(pauseMillis);
        pauseMillis = Math.min(pauseMillis * 2, 5000);
      }
    }
  }

  /**
   * The orphan sweep: after the guarded completion made this attempt's objects the job's result, the
   * objects that earlier attempts uploaded before their worker died (SIGKILL, lost node) are
   * removed. Best effort: what stays is never referenced by the row and goes with the job's retention
   * cleanup. A stale attempt still running elsewhere removes its own uploads when its completion
   * matches nothing. (Found by dev.walt.reliability.WorkerKillIT.)
   */
  private void sweepDeadAttempts(Job job) {
    String current = JobObjects.outputKey(job.id(), job.attempt(), "");
    try {
      List<String> dead = new ArrayList<>();
      for (String key : storage.list(JobObjects.jobPrefix(job.id()))) {
        if (!key.startsWith(current)) {
          dead.add(key);
        }
      }
      if (!dead.isEmpty()) {
        log.info("job {}: removing {} objects of earlier attempts", job.id(), dead.size());
        removeQuietly(job, dead);
      }
    } catch (RuntimeException e) {
      log.warn("job {}: cannot list the objects of earlier attempts: {}", job.id(), e.toString());
    }
  }

  private void removeQuietly(Job job, List<String> keys) {
    for (String key : keys) {
      try {
        storage.delete(key);
      } catch (RuntimeException e) {
        log.warn("job {}: cannot remove the unpublished object {}: {}", job.id(), key, e.toString());
      }
    }
  }

  private <T> T timed(String stage, Callable<T> body) throws Exception {
    Timer.Sample sample = Timer.start(meters);
    try {
      return body.call();
    } finally {
      sample.stop(meters.timer("walt.worker.stage", "stage", stage));
    }
  }
}
