package dev.walt.model.diffusion;

import ai.djl.ndarray.NDArray;
import org.jspecify.annotations.Nullable;

/**
 * Progress of a {@link Cascade} run: one report at the start (0), one after every sampling step of
 * every stage and segment, one at the end (100).
 *
 * @param percent overall progress in [0, 100], non-decreasing over a run
 * @param stage index of the stage the step belongs to
 * @param stageName its name
 * @param segment index of the continuation segment
 * @param step 1-based steps done in this stage and segment (0 in the start report)
 * @param steps steps of this stage
 * @param x0Estimate the stage's current latent x0 estimate (B, c, T', H', W'), null in the start and
 *     end reports; valid only during the callback
 */
public record CascadeProgress(
    double percent,
    int stage,
    String stageName,
    int segment,
    int step,
    int steps,
    @Nullable NDArray x0Estimate) {}
