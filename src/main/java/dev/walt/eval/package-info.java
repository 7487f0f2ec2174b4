/**
 * The evaluator of generated videos: {@link dev.walt.eval.Analyser} reads a clip's pixels and tells the
 * background, the object's colour and shape and its motion, using only the values of the world's {@code
 * domain.json}; {@link dev.walt.eval.EvalReport} turns analyses of generated clips and the ground truth of
 * their prompts into per-attribute accuracy; {@link dev.walt.eval.Psnr} and {@link dev.walt.eval.Upsampling}
 * measure reconstruction, first-frame fidelity and super-resolution against bicubic upsampling.
 */
@NullMarked
package dev.walt.eval;

import org.jspecify.annotations.NullMarked;
