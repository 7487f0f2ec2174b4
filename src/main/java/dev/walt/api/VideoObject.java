package dev.walt.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** The video resource as clients see it. Timestamps are Unix seconds. */
@Schema(name = "Video", description = "A video generation job and, once completed, its result")
@JsonInclude(JsonInclude.Include.NON_NULL)
record VideoObject(
    @Schema(description = "the video's id") @JsonProperty("id") UUID id,
    @Schema(description = "always `video`", example = "video") @JsonProperty("object") String object,
    @Schema(description = "queued | in_progress | completed | failed | cancelled | expired (outputs deleted after retention)",
        allowableValues = {"queued", "in_progress", "completed", "failed", "cancelled", "expired"})
    @JsonProperty("status") String status,
    @Schema(description = "0-100") @JsonProperty("progress") int progress,
    @Schema(description = "current pipeline stage while in progress", nullable = true) @JsonProperty("stage") @Nullable String stage,
    @Schema(description = "jobs that will start before this one (0 = next), only while queued; counted up "
        + "to `walt.jobs.queue-position-limit` (default 100), which then means that many or more", nullable = true)
    @JsonProperty("queue_position") @Nullable Long queuePosition,
    @JsonProperty("prompt") String prompt,
    @JsonProperty("negative_prompt") @Nullable String negativePrompt,
    @Schema(description = "number of frames") @JsonProperty("frames") int frames,
    @Schema(description = "duration in seconds (frames / fps)") @JsonProperty("seconds") double seconds,
    @Schema(description = "WIDTHxHEIGHT in pixels", example = "256x256") @JsonProperty("size") String size,
    @JsonProperty("fps") int fps,
    @Schema(description = "the seed used (chosen at random when the request gave none)") @JsonProperty("seed") long seed,
    @JsonProperty("steps") int steps,
    @JsonProperty("guidance_scale") double guidanceScale,
    @Schema(description = "true when the video is conditioned on an input image") @JsonProperty("has_image") boolean hasImage,
    @JsonProperty("webhook_url") @Nullable String webhookUrl,
    @JsonProperty("metadata") Map<String, String> metadata,
    @Schema(description = "why the job failed; only when failed", nullable = true) @JsonProperty("error") @Nullable VideoError error,
    @JsonProperty("created_at") long createdAt,
    @JsonProperty("started_at") @Nullable Long startedAt,
    @Schema(description = "when the job finished (completed, failed or cancelled)")
    @JsonProperty("completed_at") @Nullable Long completedAt,
    @Schema(description = "when the outputs will be deleted") @JsonProperty("expires_at") @Nullable Long expiresAt,
    @Schema(description = "signed URL of the MP4; only when completed") @JsonProperty("video_url") @Nullable String videoUrl,
    @Schema(description = "signed URL of the thumbnail; only when completed") @JsonProperty("thumbnail_url") @Nullable String thumbnailUrl,
    @Schema(description = """
        signed URL of the live preview, a small WebM (VP9) of the base stage's current estimate that the worker \
        replaces every few seconds while it samples; only while in_progress, once the running attempt published one""",
        nullable = true)
    @JsonProperty("preview_url") @Nullable String previewUrl,
    @Schema(description = "when the live preview behind preview_url was last replaced (a newer one: fetch it again); with preview_url",
        nullable = true)
    @JsonProperty("preview_updated_at") @Nullable Long previewUpdatedAt,
    @Schema(description = """
        when the signed URLs of this object (video_url and thumbnail_url, or preview_url) stop working; fetch the \
        video again (or use /content) for fresh ones""")
    @JsonProperty("url_expires_at") @Nullable Long urlExpiresAt) {

  /** Why a job failed. */
  @Schema(name = "VideoError")
  record VideoError(
      @Schema(description = "stable machine-readable code") @JsonProperty("code") String code,
      @Schema(description = "human-readable explanation") @JsonProperty("message") String message) {}
}
