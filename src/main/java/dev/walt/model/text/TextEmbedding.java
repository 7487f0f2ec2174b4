package dev.walt.model.text;

import ai.djl.ndarray.NDArray;

/**
 * Encoded prompts, on the caller's manager.
 *
 * @param tokens (B, K, Dt) float32; padded positions hold zeros
 * @param mask (B, K) float32, 1 for a real token and 0 for padding
 */
public record TextEmbedding(NDArray tokens, NDArray mask) {}
