package dev.walt.model.vae;

import dev.walt.model.nn.CausalConv3d;

/**
 * Encoder: (B, 3, T, H, W) -> (B, c, 1 + (T - 1) / tf, H / s, W / s), raw (not normalised).
 *
 * <p>Layers: {@code conv_in}; per level i {@code down.i.res.j} residual blocks, then between levels
 * {@code down.i.downsample}, a causal 3x3x3 convolution with stride (st, ss, ss) (time stride 2 keeps
 * the first frame apart: T -> 1 + (T - 1) / 2); {@code mid.res.0..1}; {@code norm_out}, SiLU,
 * {@code conv_out}.
 */
final class VaeEncoder extends ConvStack {

  VaeEncoder(VaeConfig config) {
    int channels = config.channels(0);
    layer("conv_in", CausalConv3d.cube(3, channels, 3));
    for (int level = 0; level < config.levels(); level++) {
      int out = config.channels(level);
      for (int j = 0; j < config.resBlocksPerLevel(); j++) {
        layer("down." + level + ".res." + j, new ResBlock(channels, out, config.groups()));
        channels = out;
      }
      if (level < config.levels() - 1) {
        int st = config.temporalStride(level);
        int ss = config.spatialStride(level);
        if (st > 1 || ss > 1) {
          layer(
              "down." + level + ".downsample",
              new CausalConv3d(channels, channels, new int[] {3, 3, 3}, new int[] {st, ss, ss}));
        }
      }
    }
    for (int j = 0; j < 2; j++) {
      layer("mid.res." + j, new ResBlock(channels, channels, config.groups()));
    }
    head(channels, config.groups(), config.latentChannels());
  }
}
