/**
 * Caption-reading models beside the denoisers (not in the W.A.L.T paper): {@link
 * dev.walt.model.guide.CaptionGuide} scores a noisy latent against its caption and steers sampling with the
 * score's gradient; {@link dev.walt.model.guide.CaptionRefiner} redraws the first stage's decoded sample with the
 * caption's outline.
 */
@NullMarked
package dev.walt.model.guide;

import org.jspecify.annotations.NullMarked;
