package dev.walt.training;

/**
 * Carries a transformer's patch embedding and output projection across a larger patch size, so that a stage
 * trained on a small latent with patch p can start at k times the resolution with patch k p on the same token
 * grid (a warm start for a base stage moved from 32 to 64 px: not in the paper).
 *
 * <p>The new embedding of a k x k group of old patches is the mean of their old embeddings (the model sees the
 * group as it saw the old, coarser latent's patch, whose value is about the group's mean); every new output
 * position takes the old output of the old position it lies in (nearest upsampling of the old prediction). A model so initialised predicts, for a latent that is the nearest upsampling of a small one,
 * the nearest upsampling of what the old model predicted for the small one.
 *
 * <p>Layouts as in {@code PatchEmbedding} and {@code FinalLayer}: embedding weight (D, Cin p p) indexed
 * {@code (c, i, j)}, output weight (p p C, D) and bias (p p C) indexed {@code (i, j, c)}.
 */
final class PatchResize {

  private PatchResize() {}

  /**
   * @param weight (dim, inputChannels * from * from), row-major
   * @return (dim, inputChannels * to * to), row-major
   */
  static float[] embedding(float[] weight, int dim, int inputChannels, int from, int to) {
    int k = factor(from, to);
    int oldRow = inputChannels * from * from;
    int newRow = inputChannels * to * to;
    check(weight.length == (long) dim * oldRow, "embedding weight", weight.length, (long) dim * oldRow);
    float[] out = new float[dim * newRow];
    float share = 1f / (k * k);
    for (int d = 0; d < dim; d++) {
      for (int c = 0; c < inputChannels; c++) {
        for (int y = 0; y < to; y++) {
          for (int x = 0; x < to; x++) {
            float old = weight[d * oldRow + (c * from + y / k) * from + x / k];
            out[d * newRow + (c * to + y) * to + x] = old * share;
          }
        }
      }
    }
    return out;
  }

  /**
   * @param values the output projection's weight (from * from * channels, columns) or bias (columns 1)
   * @return (to * to * channels, columns)
   */
  static float[] output(float[] values, int channels, int columns, int from, int to) {
    int k = factor(from, to);
    check(values.length == (long) from * from * channels * columns, "output projection", values.length,
        (long) from * from * channels * columns);
    float[] out = new float[to * to * channels * columns];
    for (int y = 0; y < to; y++) {
      for (int x = 0; x < to; x++) {
        int oldPosition = (y / k) * from + x / k;
        System.arraycopy(values, oldPosition * channels * columns, out, (y * to + x) * channels * columns,
            channels * columns);
      }
    }
    return out;
  }

  /** Whether a patch of size {@code from} can grow to {@code to}: a larger multiple of it. */
  static boolean grows(int from, int to) {
    return from >= 1 && to > from && to % from == 0;
  }

  private static int factor(int from, int to) {
    if (!grows(from, to)) {
      throw new IllegalArgumentException("patch size " + from + " cannot grow to " + to);
    }
    return to / from;
  }

  private static void check(boolean ok, String what, long got, long expected) {
    if (!ok) {
      throw new IllegalArgumentException(what + " has " + got + " values, expected " + expected);
    }
  }
}
