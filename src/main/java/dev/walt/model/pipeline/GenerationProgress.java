package dev.walt.model.pipeline;

/**
 * Progress of one generation: a report at the start (0), after every sampling step of every stage and
 * continuation segment, and at the end (100, after decoding).
 *
 * @param percent overall progress in [0, 100], non-decreasing
 * @param stage name of the stage the step belongs to ({@code base}, {@code sr1}, ...)
 * @param segment index of the continuation segment (0 for a single clip)
 * @param step steps done in this stage and segment (0 in the start report)
 * @param steps steps of this stage
 */
public record GenerationProgress(double percent, String stage, int segment, int step, int steps) {}
