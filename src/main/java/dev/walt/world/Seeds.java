package dev.walt.world;

/** Derivation of independent seeds from a seed and a path of indices. */
final class Seeds {

  private Seeds() {}

  /** A well-mixed seed for the stream named by {@code parts} under {@code seed}. */
  static long mix(long seed, long... parts) {
    long h = mix64(seed ^ 0x6a09_e667_f3bc_c909L);
    for (long part : parts) {
      h = mix64(h + 0x9e37_79b9_7f4a_7c15L + part);
    }
    return h;
  }

  /** The MurmurHash3 64-bit finaliser: a bijection that spreads every input bit over the output. */
  private static long mix64(long z) {
    z = (z ^ (z >>> 33)) * 0xff51_afd7_ed55_8ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ce_b9fe_1a85_ec53L;
    return z ^ (z >>> 33);
  }
}
