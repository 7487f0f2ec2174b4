package dev.walt.webhooks;

import dev.walt.jobs.Job;
import dev.walt.jobs.JobStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Standard Webhooks envelope of a job event: {@code {"type", "timestamp", "data"}} where data is
 * the video object as the API shows it (snake_case, times in Unix seconds), without signed URLs:
 * they would expire long before a retried delivery arrives; the receiver fetches the content through
 * the API.
 */
final class WebhookPayloads {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private WebhookPayloads() {}

  /** The event type for a job that just finished, or empty for a status without an event. */
  static Optional<String> eventType(JobStatus status) {
    return switch (status) {
      case COMPLETED -> Optional.of("video.completed");
      case FAILED -> Optional.of("video.failed");
      case CANCELLED -> Optional.of("video.cancelled");
      default -> Optional.empty();
    };
  }

  static String envelope(String type, Job job) {
    Map<String, Object> envelope = new LinkedHashMap<>();
    envelope.put("type", type);
    Instant at = job.finishedAt() != null ? job.finishedAt() : Instant.now();
    envelope.put("timestamp", at.toString());
    envelope.put("data", video(job));
    return JSON.writeValueAsString(envelope);
  }

  static Map<String, Object> video(Job job) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("id", job.id().toString());
    v.put("object", "video");
    v.put("status", job.status().wire());
    v.put("prompt", job.prompt());
    v.put("negative_prompt", job.negativePrompt());
    v.put("frames", job.frames());
    v.put("size", job.width() + "x" + job.height());
    v.put("fps", job.fps());
    v.put("seconds", (double) job.frames() / job.fps());
    v.put("seed", job.seed());
    v.put("steps", job.steps());
    v.put("guidance_scale", job.guidanceScale());
    v.put("progress", job.progress());
    if (job.errorCode() != null && job.status() == JobStatus.FAILED) {
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("code", job.errorCode());
      error.put("message", job.errorMessage());
      v.put("error", error);
    } else {
      v.put("error", null);
    }
    v.put("created_at", seconds(job.createdAt()));
    v.put("completed_at", seconds(job.finishedAt()));
    v.put("expires_at", seconds(job.expiresAt()));
    v.put("metadata", job.metadata());
    return v;
  }

  private static @Nullable Long seconds(@Nullable Instant instant) {
    return instant == null ? null : instant.getEpochSecond();
  }
}
