package dev.walt.model.diffusion;

import ai.djl.ndarray.NDArray;
import org.jspecify.annotations.Nullable;

/**
 * Text tokens for a denoiser, with the unconditional ("null") tokens of classifier-free guidance.
 * Arrays belong to the caller's scope.
 *
 * @param tokens text tokens (B, K, Dt)
 * @param mask 1 for a real token, 0 for padding (B, K); null means all valid
 * @param nullTokens the unconditional tokens (B, K', Dt), e.g. the text encoder's learned null
 *     embedding; null means the unconditional branch gets no text at all
 * @param nullMask mask of {@code nullTokens} (B, K'); null means all valid
 */
public record TextConditioning(
    NDArray tokens, @Nullable NDArray mask, @Nullable NDArray nullTokens, @Nullable NDArray nullMask) {}
