package dev.walt.jobs;

import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A validated request to create a job; the seed is already chosen when the client gave none. */
public record NewJob(
    UUID tenantId,
    @Nullable UUID apiKeyId,
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
    Map<String, String> metadata) {}
