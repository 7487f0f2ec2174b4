/**
 * The W.A.L.T trainer: AdamW with warmup and cosine decay, EMA weights, global-norm gradient clipping,
 * checkpoint and exact resume, and the objectives of each stage (autoencoder, text-to-video base,
 * super-resolution). Entry point: the {@code train} subcommand ({@link dev.walt.training.TrainCommand}).
 */
@NullMarked
package dev.walt.training;

import org.jspecify.annotations.NullMarked;
