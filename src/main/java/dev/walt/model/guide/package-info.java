/**
 * Guidance models beside the denoisers: {@link dev.walt.model.guide.CaptionGuide} scores a noisy latent
 * against its caption and steers sampling with the score's gradient (not in the W.A.L.T paper).
 */
@NullMarked
package dev.walt.model.guide;

import org.jspecify.annotations.NullMarked;
