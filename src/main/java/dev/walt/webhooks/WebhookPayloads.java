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

  /**
   * The fields, names, order and null handling of the API's video object (absent fields are left out),
   * except the signed URLs and the queue position.
   */
  static Map<String, Object> video(Job job) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("id", job.id().toString());
    v.put("object", "video");
    v.put("status", job.status().wire());
    v.put("progress", job.progress());
    putIfPresent(v, "stage", job.stage());
    v.put("prompt", job.prompt());
    putIfPresent(v, "negative_prompt", job.negativePrompt());
    v.put("frames", job.frames());
    v.put("seconds", (double) job.frames() / job.fps());
    v.put("size", job.width() + "x" + job.height());
    v.put("fps", job.fps());
    v.put("seed", job.seed());
    v.put("steps", job.steps());
    v.put("guidance_scale", (double) job.guidanceScale());
    v.put("has_image", job.inputImageKey() != null);
    putIfPresent(v, "webhook_url", job.webhookUrl());
    v.put("metadata", job.metadata());
    if (job.status() == JobStatus.FAILED && job.errorCode() != null) {
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("code", job.errorCode());
      error.put("message", job.errorMessage() == null ? job.errorCode() : job.errorMessage());
      v.put("error", error);
    }
    v.put("created_at", job.createdAt().getEpochSecond());
    putIfPresent(v, "started_at", seconds(job.startedAt()));
    putIfPresent(v, "completed_at", seconds(job.finishedAt()));
    putIfPresent(v, "expires_at", seconds(job.expiresAt()));
    return v;
  }

  private static void putIfPresent(Map<String, Object> map, String key, @Nullable Object value) {
    if (value != null) {
      map.put(key, value);
    }
  }

  private static @Nullable Long seconds(@Nullable Instant instant) {
    return instant == null ? null : instant.getEpochSecond();
  }
}
