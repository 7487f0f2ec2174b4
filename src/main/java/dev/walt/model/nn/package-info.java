/**
 * Shared neural-network building blocks of the model feature: {@link dev.walt.model.nn.GroupNorm},
 * {@link dev.walt.model.nn.CausalConv3d}, normalisations ({@link dev.walt.model.nn.RmsNorm},
 * {@link dev.walt.model.nn.LayerNorm}) and tensor helpers in {@link dev.walt.model.nn.Ops} (SiLU,
 * depth-to-space and space-to-depth in 3D). Shapes use the glossary of {@link dev.walt.model}.
 */
@NullMarked
package dev.walt.model.nn;

import org.jspecify.annotations.NullMarked;
