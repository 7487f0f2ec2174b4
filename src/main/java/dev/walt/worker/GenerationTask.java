package dev.walt.worker;

import java.awt.image.BufferedImage;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** The inputs of one generation, decoded and validated. */
public record GenerationTask(
    UUID jobId,
    int attempt,
    String prompt,
    @Nullable String negativePrompt,
    int frames,
    int width,
    int height,
    int fps,
    long seed,
    int steps,
    float guidanceScale,
    @Nullable BufferedImage image) {}
