/** Diffusion: noise schedule, v/epsilon/x0 conversions, DDIM sampling with guidance, cascade. */
@NullMarked
package dev.walt.model.diffusion;

import org.jspecify.annotations.NullMarked;
