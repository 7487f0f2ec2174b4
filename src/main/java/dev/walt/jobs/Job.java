package dev.walt.jobs;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** One row of {@code video_jobs} as the API and the workers see it. */
public record Job(
    UUID id,
    UUID tenantId,
    @Nullable UUID apiKeyId,
    JobStatus status,
    int priority,
    String prompt,
    @Nullable String negativePrompt,
    int frames,
    int width,
    int height,
    int fps,
    long seed,
    int steps,
    float guidanceScale,
    @Nullable String inputImageKey,
    @Nullable String webhookUrl,
    Map<String, String> metadata,
    int attempt,
    int maxAttempts,
    boolean cancelRequested,
    int progress,
    @Nullable String stage,
    @Nullable String errorCode,
    @Nullable String errorMessage,
    @Nullable String videoKey,
    @Nullable String thumbnailKey,
    @Nullable String previewKey,
    @Nullable Instant previewUpdatedAt,
    Instant createdAt,
    @Nullable Instant startedAt,
    @Nullable Instant finishedAt,
    @Nullable Instant expiresAt) {}
