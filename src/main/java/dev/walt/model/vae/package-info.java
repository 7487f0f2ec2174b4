/**
 * The causal 3D CNN autoencoder of W.A.L.T (MAGVIT-v2 style, without quantisation): {@link
 * dev.walt.model.vae.CausalVae} maps videos (B, 3, T, H, W) in [-1, 1] to normalised latents (B, c,
 * 1 + (T - 1) / 4, H / s, W / s) and back; an image is a one-frame video. Shapes use the glossary of
 * {@link dev.walt.model}.
 */
@NullMarked
package dev.walt.model.vae;

import org.jspecify.annotations.NullMarked;
