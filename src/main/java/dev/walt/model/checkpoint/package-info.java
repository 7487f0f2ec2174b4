/**
 * Checkpoints: a folder holding {@code config.json} (a config record, via Jackson) and one or more
 * {@code .safetensors} weight files (DJL's built-in codec), fp32 or fp16 on disk. Generic over any DJL
 * {@link ai.djl.nn.Block}: tensors are named by the block hierarchy ({@code decoder.conv_out.weight}).
 */
@NullMarked
package dev.walt.model.checkpoint;

import org.jspecify.annotations.NullMarked;
