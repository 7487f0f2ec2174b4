package dev.walt.api;

import dev.walt.jobs.Job;
import dev.walt.jobs.JobObjects;
import dev.walt.jobs.JobStatus;
import dev.walt.jobs.VideoJobs;
import dev.walt.storage.ObjectStorage;
import dev.walt.storage.StorageSettings;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Renders jobs as the API's video objects, with fresh signed URLs (valid for {@code
 * walt.s3.presign-expiry}): of the MP4 and the thumbnail when completed, of the live preview while in
 * progress once the running attempt published one.
 */
@Component
class VideoViews {

  private final VideoJobs jobs;
  private final ObjectStorage storage;
  private final Duration urlTtl;

  VideoViews(VideoJobs jobs, ObjectStorage storage, StorageSettings storageSettings) {
    this.jobs = jobs;
    this.storage = storage;
    this.urlTtl = storageSettings.presignExpiry();
  }

  Duration urlTtl() {
    return urlTtl;
  }

  VideoObject view(Job job) {
    return view(job, job.status() == JobStatus.QUEUED ? jobs.queuePosition(job) : -1);
  }

  /** The video object of a job whose queue position is known already (-1: not queued). */
  VideoObject view(Job job, long position) {
    Long queuePosition = job.status() == JobStatus.QUEUED && position >= 0 ? position : null;
    String videoUrl = null;
    String thumbnailUrl = null;
    Long urlExpiresAt = null;
    if (job.status() == JobStatus.COMPLETED && job.videoKey() != null) {
      Instant expires = Instant.now().plus(urlTtl);
      videoUrl = storage.presignedGet(job.videoKey(), urlTtl).toString();
      thumbnailUrl = job.thumbnailKey() == null ? null : storage.presignedGet(job.thumbnailKey(), urlTtl).toString();
      urlExpiresAt = expires.getEpochSecond();
    }
    String previewUrl = null;
    Long previewUpdatedAt = null;
    String livePreview = livePreviewKey(job);
    if (livePreview != null) {
      Instant expires = Instant.now().plus(urlTtl);
      previewUrl = storage.presignedGet(livePreview, urlTtl).toString();
      previewUpdatedAt = seconds(job.previewUpdatedAt());
      urlExpiresAt = expires.getEpochSecond();
    }
    VideoObject.VideoError error = job.errorCode() == null ? null
        : new VideoObject.VideoError(job.errorCode(), job.errorMessage() == null ? job.errorCode() : job.errorMessage());
    return new VideoObject(
        job.id(),
        "video",
        job.status().wire(),
        job.status() == JobStatus.COMPLETED ? 100 : job.progress(),
        job.status() == JobStatus.IN_PROGRESS ? job.stage() : null,
        queuePosition,
        job.prompt(),
        job.negativePrompt(),
        job.frames(),
        Math.round(job.frames() * 1000.0 / job.fps()) / 1000.0,
        job.width() + "x" + job.height(),
        job.fps(),
        job.seed(),
        job.steps(),
        Math.round(job.guidanceScale() * 1e6) / 1e6,
        job.inputImageKey() != null,
        job.webhookUrl(),
        job.metadata(),
        error,
        job.createdAt().getEpochSecond(),
        seconds(job.startedAt()),
        job.status().terminal() ? seconds(job.finishedAt()) : null,
        seconds(job.expiresAt()),
        videoUrl,
        thumbnailUrl,
        previewUrl,
        previewUpdatedAt,
        urlExpiresAt);
  }

  /**
   * The in-progress preview of the running attempt, or null: only while in progress, and only a preview
   * this attempt published (a retried job's row may still name the failed attempt's, which is removed).
   */
  static @Nullable String livePreviewKey(Job job) {
    if (job.status() != JobStatus.IN_PROGRESS || job.previewKey() == null) {
      return null;
    }
    return job.previewKey().equals(JobObjects.outputKey(job.id(), job.attempt(), "preview.webm")) ? job.previewKey() : null;
  }

  private static @Nullable Long seconds(@Nullable Instant instant) {
    return instant == null ? null : instant.getEpochSecond();
  }
}
