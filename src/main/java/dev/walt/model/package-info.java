/**
 * The W.A.L.T model (Gupta et al., arXiv 2312.06662) on DJL: causal 3D CNN autoencoder, window-attention
 * transformer denoiser, text encoder, diffusion sampler and super-resolution cascade.
 *
 * <p>A model is a {@link dev.walt.model.WaltConfig} (sizes of every part, named presets such as
 * {@code walt-tiny}) and a folder of weights that {@link dev.walt.model.WaltModel} loads and saves; the
 * {@code pipeline} subpackage generates videos with it.
 *
 * <p>Dimension glossary used in every shape comment of this package and its subpackages:
 *
 * <ul>
 *   <li>B batch
 *   <li>C channels (pixels: 3; latents: c, the autoencoder's latent channels)
 *   <li>T frames (pixel frames for videos, latent frames T' = 1 + (T - 1) / 4 for latents)
 *   <li>H, W height and width (pixels, or latent cells H' = H / s, W' = W / s)
 *   <li>N tokens in a sequence or window, D hidden width, K text tokens, h attention heads
 * </ul>
 *
 * <p>Videos and latents cross the public API of this package as {@code (B, C, T, H, W)} float32 arrays
 * ("NCTHW", the layout of PyTorch's conv3d); videos hold pixel values in [-1, 1]. An image is a
 * one-frame video.
 */
@NullMarked
package dev.walt.model;

import org.jspecify.annotations.NullMarked;
