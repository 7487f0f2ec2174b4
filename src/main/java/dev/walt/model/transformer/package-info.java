/**
 * The W.A.L.T window-attention latent transformer (Gupta et al., arXiv 2312.06662, section 3): patch
 * embedding, learnable absolute and relative position encodings, alternating spatial (with text
 * cross-attention) and spatiotemporal window-attention blocks conditioned through AdaLN-LoRA, and a
 * v-prediction head. Entry points: {@link dev.walt.model.transformer.TransformerConfig} (named presets)
 * and {@link dev.walt.model.transformer.WaltTransformer}.
 *
 * <p>Shape letters follow the glossary of {@link dev.walt.model}. Inside the transformer a latent is
 * kept channels-last as tokens {@code (B, T, H, W, D)} where H and W count patches (latent cells / p);
 * a window holds {@code N = wt * wh * ww} tokens and a latent has {@code nWin} windows.
 */
@NullMarked
package dev.walt.model.transformer;

import org.jspecify.annotations.NullMarked;
