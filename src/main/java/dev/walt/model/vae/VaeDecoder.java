package dev.walt.model.vae;

import dev.walt.model.nn.CausalConv3d;

/**
 * Decoder, the mirror of {@link VaeEncoder}: (B, c, T', H', W') -> (B, 3, 1 + (T' - 1) * tf, H' * s,
 * W' * s).
 *
 * <p>Layers: {@code conv_in}; {@code mid.res.0..1}; from the deepest level down, {@code up.i.res.j}
 * residual blocks, then {@code up.i.upsample} ({@link Upsample}: depth-to-space, first frame apart)
 * where the encoder downsampled between levels i - 1 and i; {@code norm_out}, SiLU, {@code conv_out}.
 */
final class VaeDecoder extends ConvStack {

  VaeDecoder(VaeConfig config) {
    int top = config.levels() - 1;
    int channels = config.channels(top);
    layer("conv_in", CausalConv3d.cube(config.latentChannels(), channels, 3));
    for (int j = 0; j < 2; j++) {
      layer("mid.res." + j, new ResBlock(channels, channels, config.groups()));
    }
    for (int level = top; level >= 0; level--) {
      int out = config.channels(level);
      for (int j = 0; j < config.resBlocksPerLevel(); j++) {
        layer("up." + level + ".res." + j, new ResBlock(channels, out, config.groups()));
        channels = out;
      }
      if (level > 0) {
        int rt = config.temporalStride(level - 1);
        int rs = config.spatialStride(level - 1);
        if (rt > 1 || rs > 1) {
          layer("up." + level + ".upsample", new Upsample(channels, rt, rs));
        }
      }
    }
    head(channels, config.groups(), 3);
  }
}
