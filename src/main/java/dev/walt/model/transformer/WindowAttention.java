package dev.walt.model.transformer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import dev.walt.model.nn.Ops;
import dev.walt.model.nn.RmsNorm;
import dev.walt.model.transformer.TransformerConfig.QkNorm;
import dev.walt.model.transformer.TransformerConfig.Window;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Multi-head self-attention inside non-overlapping 3D windows (W.A.L.T section 3.2, after Swin, Liu et
 * al. 2021), all windows of all samples in one batched matmul.
 *
 * <ul>
 *   <li>Relative position bias: one learned table per head over the 3D offsets the configured window
 *       allows, {@code (h, (2wt-1)(2wh-1)(2ww-1))}, gathered into an {@code (h, N, N)} bias.
 *   <li>qk-norm ({@link QkNorm}) on every head's queries and keys.
 *   <li>Optional extra key/value tokens (the projected text, W.A.L.T's cross-attention in the spatial
 *       layers): they go through the same key/value projection and are appended to every window's
 *       keys and values; padded text tokens get a bias of minus infinity.
 *   <li>Identity mask for images: for a sample whose frames are independent images, a query attends
 *       only to keys of its own frame (the window may span frames).
 * </ul>
 *
 * <p>Very large windows (full attention over tens of thousands of tokens) are computed in chunks of
 * queries so that the score matrix stays below {@link #SCORE_CHUNK_ELEMENTS} elements.
 */
public final class WindowAttention extends AbstractBlock {

  /** Largest score tensor (elements) materialised at once; larger ones are split along the queries. */
  public static final long SCORE_CHUNK_ELEMENTS = 1L << 25;

  private static final float QK_EPS = 1e-6f;

  private final int dim;
  private final int heads;
  private final int headDim;
  private final Window window;
  private final QkNorm qkNorm;
  private final Dense qkv;
  private final Dense proj;
  private final @Nullable RmsNorm queryNorm;
  private final @Nullable RmsNorm keyNorm;
  private final @Nullable Parameter relativeBias;
  private final @Nullable Parameter cosineScale;
  /** Index arrays and masks per (kind, window geometry, device), on the parameters' manager. */
  private final Map<String, NDArray> constants = new ConcurrentHashMap<>();

  /**
   * @param dim D
   * @param heads h
   * @param window the configured window (clamped to each input's grid)
   * @param qkNorm query/key normalisation
   * @param relativePositionBias whether to learn a relative position bias table
   */
  public WindowAttention(int dim, int heads, Window window, QkNorm qkNorm, boolean relativePositionBias) {
    if (dim % heads != 0) {
      throw new IllegalArgumentException("dim " + dim + " is not divisible by heads " + heads);
    }
    this.dim = dim;
    this.heads = heads;
    this.headDim = dim / heads;
    this.window = window;
    this.qkNorm = qkNorm;
    this.qkv = addChildBlock("qkv", new Dense(dim, 3 * dim));
    this.proj = addChildBlock("proj", new Dense(dim, dim));
    if (qkNorm == QkNorm.RMS) {
      this.queryNorm = addChildBlock("queryNorm", new RmsNorm(headDim, QK_EPS));
      this.keyNorm = addChildBlock("keyNorm", new RmsNorm(headDim, QK_EPS));
    } else {
      this.queryNorm = null;
      this.keyNorm = null;
    }
    this.cosineScale =
        qkNorm == QkNorm.L2
            ? addParameter(
                Parameter.builder()
                    .setName("cosineScale")
                    .setType(Parameter.Type.GAMMA)
                    .optShape(new Shape(heads, 1, 1))
                    .optInitializer((m, s, t) -> m.full(s, (float) Math.sqrt(headDim), t))
                    .build())
            : null;
    this.relativeBias =
        relativePositionBias
            ? addParameter(
                Parameter.builder()
                    .setName("relativeBias")
                    .setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(heads, relativeTableSize(window)))
                    .optInitializer(new NormalInitializer(0.02f))
                    .build())
            : null;
  }

  /** Rows of the relative position table for a configured window: every 3D offset it allows. */
  static long relativeTableSize(Window w) {
    return (2L * w.frames() - 1) * (2L * w.height() - 1) * (2L * w.width() - 1);
  }

  /**
   * Attention of every window of {@code x}, optionally also over the extra tokens.
   *
   * @param x tokens (B, T, H, W, D)
   * @param extra extra key/value tokens already in width D (projected text), (B, K, D), or null
   * @param extraMask 1 for a real extra token, 0 for padding, (B, K); null means all real
   * @param imageSet per sample, whether its frames are independent images (identity mask); null: none
   * @return (B, T, H, W, D) on {@code x}'s manager
   */
  public NDArray forward(
      ParameterStore store,
      NDArray x,
      @Nullable NDArray extra,
      @Nullable NDArray extraMask,
      boolean @Nullable [] imageSet,
      boolean training) {
    NDManager manager = x.getManager();
    Shape s = x.getShape();
    long b = s.get(0);
    long t = s.get(1);
    long h = s.get(2);
    long w = s.get(3);
    Window win = window.fit(t, h, w);
    long wt = win.frames();
    long wh = win.height();
    long ww = win.width();
    long nt = t / wt;
    long nh = h / wh;
    long nw = w / ww;
    long windows = nt * nh * nw;
    int n = win.tokens();

    NDArray qkvAll = qkv.forward(store, x, training); // (B, T, H, W, 3D)
    // (B, T, H, W, 3D) -> (B, nT, wt, nH, wh, nW, ww, 3, h, dh) -> (3, B, nT, nH, nW, h, wt, wh, ww, dh)
    //   -> (3, B, nWin, h, N, dh)
    NDArray grouped =
        qkvAll
            .reshape(b, nt, wt, nh, wh, nw, ww, 3, heads, headDim)
            .transpose(7, 0, 1, 3, 5, 8, 2, 4, 6, 9)
            .reshape(3, b, windows, heads, n, headDim);
    NDArray q = normalizeQuery(store, grouped.get(0), training); // (B, nWin, h, N, dh)
    NDArray k = normalizeKey(store, grouped.get(1), training); // (B, nWin, h, N, dh)
    NDArray v = grouped.get(2); // (B, nWin, h, N, dh)

    long extraTokens = 0;
    if (extra != null) {
      extraTokens = extra.getShape().get(1);
      // (B, K, 3D) -> (B, K, 3, h, dh) -> (3, B, h, K, dh)
      NDArray extraQkv =
          qkv.forward(store, extra, training).reshape(b, extraTokens, 3, heads, headDim).transpose(2, 0, 3, 1, 4);
      Shape perWindow = new Shape(b, windows, heads, extraTokens, headDim);
      // (B, h, K, dh) -> (B, 1, h, K, dh) -> (B, nWin, h, K, dh), appended to each window's keys/values
      NDArray extraK = normalizeKey(store, extraQkv.get(1), training).expandDims(1).broadcast(perWindow);
      NDArray extraV = extraQkv.get(2).expandDims(1).broadcast(perWindow);
      k = NDArrays.concat(new NDList(k, extraK), 3); // (B, nWin, h, N + K, dh)
      v = NDArrays.concat(new NDList(v, extraV), 3);
    }

    NDArray bias = attentionBias(manager, win, b, extra != null, extraTokens, extraMask, imageSet);
    if (bias != null && bias.getDataType() != q.getDataType()) {
      bias = bias.toType(q.getDataType(), false); // fp16 models: masks and tables follow the activations
    }
    NDArray attended = attend(q, k, v, bias); // (B, nWin, h, N, dh)

    // (B, nWin, h, N, dh) -> (B, nT, nH, nW, h, wt, wh, ww, dh) -> (B, nT, wt, nH, wh, nW, ww, h, dh)
    //   -> (B, T, H, W, D)
    NDArray merged =
        attended
            .reshape(b, nt, nh, nw, heads, wt, wh, ww, headDim)
            .transpose(0, 1, 5, 2, 6, 3, 7, 4, 8)
            .reshape(b, t, h, w, dim);
    return proj.forward(store, merged, training);
  }

  /**
   * softmax(q k^T + bias) v, split along the queries when the scores would be too large.
   *
   * @param q (B, nWin, h, N, dh), already scaled
   * @param k (B, nWin, h, M, dh)
   * @param v (B, nWin, h, M, dh)
   * @param bias broadcastable to (B, nWin, h, N, M), or null
   * @return (B, nWin, h, N, dh)
   */
  static NDArray attend(NDArray q, NDArray k, NDArray v, @Nullable NDArray bias) {
    return attend(q, k, v, bias, SCORE_CHUNK_ELEMENTS);
  }

  /** {@link #attend(NDArray, NDArray, NDArray, NDArray)} with an explicit chunk size in score elements. */
  static NDArray attend(NDArray q, NDArray k, NDArray v, @Nullable NDArray bias, long chunkElements) {
    Shape qs = q.getShape();
    long n = qs.get(3);
    long keys = k.getShape().get(3);
    long perQuery = qs.get(0) * qs.get(1) * qs.get(2) * keys;
    NDArray kT = k.transpose(0, 1, 2, 4, 3); // (B, nWin, h, dh, M)
    if (perQuery * n <= chunkElements) {
      return attendChunk(q, kT, v, bias);
    }
    long chunk = Math.max(1, chunkElements / perQuery);
    NDList parts = new NDList();
    for (long start = 0; start < n; start += chunk) {
      long end = Math.min(n, start + chunk);
      NDArray qc = q.get(":, :, :, {}:{}", start, end);
      NDArray bc = bias == null || bias.getShape().get(3) == 1 ? bias : bias.get(":, :, :, {}:{}", start, end);
      parts.add(attendChunk(qc, kT, v, bc));
      qc.close();
      if (bc != null && bc != bias) {
        bc.close();
      }
    }
    NDArray out = NDArrays.concat(parts, 3);
    parts.close();
    return out;
  }

  private static NDArray attendChunk(NDArray q, NDArray kT, NDArray v, @Nullable NDArray bias) {
    NDArray scores = q.matMul(kT); // (B, nWin, h, n, M)
    if (bias != null) {
      scores.addi(bias);
    }
    NDArray probabilities = scores.softmax(-1);
    scores.close();
    NDArray out = probabilities.matMul(v); // (B, nWin, h, n, dh)
    probabilities.close();
    return out;
  }

  private NDArray normalizeQuery(ParameterStore store, NDArray q, boolean training) {
    switch (qkNorm) {
      case RMS:
        return queryNorm.forward(store, q, 1.0 / Math.sqrt(headDim), training);
      case L2:
        return l2(q).mul(store.getValue(cosineScale, q.getDevice(), training)); // scale (h, 1, 1)
      default:
        return Ops.mul(q, 1.0 / Math.sqrt(headDim));
    }
  }

  private NDArray normalizeKey(ParameterStore store, NDArray k, boolean training) {
    switch (qkNorm) {
      case RMS:
        return keyNorm.forward(store, k, training);
      case L2:
        return l2(k);
      default:
        return k;
    }
  }

  private static NDArray l2(NDArray x) {
    return x.div(Ops.maximum(x.norm(new int[] {-1}, true), QK_EPS));
  }

  /**
   * The additive bias of the scores, broadcastable to (B, nWin, h, N, N + K): relative position bias,
   * identity mask for image sets, minus infinity for padded extra tokens. Null when there is none.
   */
  private @Nullable NDArray attentionBias(
      NDManager manager,
      Window win,
      long batch,
      boolean hasExtra,
      long extraTokens,
      @Nullable NDArray extraMask,
      boolean @Nullable [] imageSet) {
    int n = win.tokens();
    NDArray windowBias = null; // broadcastable to (B, 1, h, N, N)
    if (relativeBias != null) {
      NDArray table = relativeBias.getArray(); // (h, L)
      NDArray index = constant("relative", win, table.getDevice(), () -> relativeIndex(win));
      windowBias = table.take(manager, index).reshape(1, 1, heads, n, n);
    }
    if (imageSet != null && win.frames() > 1) {
      if (imageSet.length != batch) {
        throw new IllegalArgumentException("imageSet has " + imageSet.length + " flags for a batch of " + batch);
      }
      int images = 0;
      for (boolean image : imageSet) {
        images += image ? 1 : 0;
      }
      if (images > 0) {
        NDArray frameMask = constant("frames", win, manager.getDevice(), () -> frameMask(win)); // (1, 1, 1, N, N)
        Shape perSample = new Shape(batch, 1, 1, n, n);
        NDArray identity =
            images == batch
                ? frameMask
                : NDArrays.where(
                    manager.create(imageSet).reshape(batch, 1, 1, 1, 1).broadcast(perSample),
                    frameMask.broadcast(perSample),
                    manager.zeros(perSample));
        windowBias = windowBias == null ? identity : windowBias.add(identity);
      }
    }
    if (!hasExtra || (extraMask == null && windowBias == null)) {
      return windowBias;
    }
    NDArray extraBias; // (B | 1, 1, 1, 1, K)
    if (extraMask != null) {
      Shape maskShape = extraMask.getShape();
      extraBias =
          NDArrays.where(
                  extraMask.gt(0),
                  manager.zeros(maskShape),
                  manager.full(maskShape, Float.NEGATIVE_INFINITY))
              .reshape(batch, 1, 1, 1, extraTokens);
    } else {
      extraBias = manager.zeros(new Shape(1, 1, 1, 1, extraTokens));
    }
    if (windowBias == null) {
      windowBias = manager.zeros(new Shape(1, 1, 1, 1, n));
    }
    Shape ws = windowBias.getShape();
    long bb = Math.max(ws.get(0), extraBias.getShape().get(0));
    long hb = ws.get(2);
    long nb = ws.get(3);
    return NDArrays.concat(
        new NDList(windowBias.broadcast(bb, 1, hb, nb, n), extraBias.broadcast(bb, 1, hb, nb, extraTokens)), 4);
  }

  private NDArray constant(String kind, Window win, Device device, java.util.function.Supplier<Object> values) {
    String key = kind + ":" + win + ":" + device;
    return constants.computeIfAbsent(
        key,
        unused -> {
          NDManager owner = qkv.weight().getArray().getManager();
          Object host = values.get();
          NDArray array =
              host instanceof long[]
                  ? owner.create((long[]) host)
                  : owner.create((float[]) host, new Shape(1, 1, 1, win.tokens(), win.tokens()));
          return array.toDevice(device, false);
        });
  }

  /**
   * For every head and every (query, key) pair of a window, the flat position of its bias in the
   * (h, L) table: {@code head * L + offsetIndex(query - key)}.
   */
  private long[] relativeIndex(Window win) {
    int wt = win.frames();
    int wh = win.height();
    int ww = win.width();
    int n = win.tokens();
    long spanH = 2L * window.height() - 1;
    long spanW = 2L * window.width() - 1;
    long tableSize = relativeTableSize(window);
    long[] index = new long[heads * n * n];
    for (int i = 0; i < n; i++) {
      int ti = i / (wh * ww);
      int hi = (i / ww) % wh;
      int wi = i % ww;
      for (int j = 0; j < n; j++) {
        int tj = j / (wh * ww);
        int hj = (j / ww) % wh;
        int wj = j % ww;
        long offset =
            ((long) (ti - tj + window.frames() - 1) * spanH + (hi - hj + window.height() - 1)) * spanW
                + (wi - wj + window.width() - 1);
        for (int head = 0; head < heads; head++) {
          index[(head * n + i) * n + j] = head * tableSize + offset;
        }
      }
    }
    return index;
  }

  /** 0 where query and key are in the same frame, minus infinity elsewhere: (N * N). */
  private static float[] frameMask(Window win) {
    int n = win.tokens();
    int perFrame = win.height() * win.width();
    float[] mask = new float[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        mask[i * n + j] = i / perFrame == j / perFrame ? 0f : Float.NEGATIVE_INFINITY;
      }
    }
    return mask;
  }

  /** The configured window (before clamping). */
  public Window window() {
    return window;
  }

  public int heads() {
    return heads;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
    NDArray extra = inputs.size() > 1 ? inputs.get(1) : null;
    NDArray extraMask = inputs.size() > 2 ? inputs.get(2) : null;
    return new NDList(forward(store, inputs.get(0), extra, extraMask, null, training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    for (var child : getChildren().values()) {
      child.initialize(manager, dataType, inputShapes);
    }
  }
}
