package dev.walt.model.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.walt.model.diffusion.DenoiserInput;
import dev.walt.model.transformer.TransformerConfig.QkNorm;
import dev.walt.model.transformer.TransformerConfig.Window;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WaltTransformerTest {

  /** c = 4, p = 1, 4 blocks of width 16 with 2 heads, latent up to 3 x 8 x 8, windows 1x8x8 and 3x4x4, text 6. */
  static TransformerConfig tiny() {
    return new TransformerConfig(
        4, 1, 4, 16, 2, 2.0, new Window(1, 8, 8), new Window(3, 4, 4), 2, 6, 3, 8, 8, true, true, 1, QkNorm.RMS,
        true);
  }

  /** Super-resolution: patch 2, factor 2, low-res 4 x 4 -> 8 x 8. */
  static TransformerConfig tinySr() {
    return new TransformerConfig(
        4, 2, 2, 16, 2, 2.0, new Window(1, 4, 4), new Window(3, 2, 2), 2, 6, 3, 8, 8, false, false, 2, QkNorm.L2,
        true);
  }

  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private NDArray random(Shape shape, long seed) {
    NDArray a = manager.zeros(shape);
    TestWeights.randomize(a, new SplittableRandom(seed), 1.0);
    return a;
  }

  private WaltTransformer randomModel(TransformerConfig config) {
    WaltTransformer model = WaltTransformer.create(config, manager, 7);
    TestWeights.randomize(model, 13, 0.2);
    return model;
  }

  private DenoiserInput input(NDArray noisy, NDArray text, NDArray textMask) {
    long b = noisy.getShape().get(0);
    float[] t = new float[(int) b];
    Arrays.fill(t, 321f);
    return new DenoiserInput(noisy, manager.create(t), null, text, textMask, null, null, null, null, false);
  }

  @Test
  void freshModelPredictsZeroVelocity() {
    WaltTransformer model = WaltTransformer.create(tiny(), manager, 1);
    NDArray v = model.predictV(input(random(new Shape(2, 4, 3, 8, 8), 1), random(new Shape(2, 5, 6), 2),
        manager.ones(new Shape(2, 5))));
    assertEquals(new Shape(2, 4, 3, 8, 8), v.getShape());
    float[] values = v.toFloatArray();
    assertArrayEquals(new float[values.length], values);
  }

  @Test
  void outputShapesForVideosImagesAndSuperResolution() {
    WaltTransformer model = randomModel(tiny());
    NDArray video = model.predictV(DenoiserInput.of(random(new Shape(2, 4, 3, 8, 8), 1), manager.create(new float[] {1f, 999f})));
    assertEquals(new Shape(2, 4, 3, 8, 8), video.getShape());
    NDArray image = model.predictV(DenoiserInput.of(random(new Shape(1, 4, 1, 8, 8), 1), manager.create(new float[] {500f})));
    assertEquals(new Shape(1, 4, 1, 8, 8), image.getShape());
    NDArray smaller = model.predictV(DenoiserInput.of(random(new Shape(1, 4, 3, 4, 8), 1), manager.create(new float[] {500f})));
    assertEquals(new Shape(1, 4, 3, 4, 8), smaller.getShape());

    WaltTransformer sr = randomModel(tinySr());
    NDArray lowRes = random(new Shape(2, 4, 3, 4, 4), 3);
    DenoiserInput srInput =
        new DenoiserInput(random(new Shape(2, 4, 3, 8, 8), 4), manager.create(new float[] {10f, 20f}), null,
            random(new Shape(2, 5, 6), 5), null, null, null, lowRes, manager.create(new float[] {0.1f, 0.3f}), false);
    NDArray v = sr.predictV(srInput);
    assertEquals(new Shape(2, 4, 3, 8, 8), v.getShape());
    assertFalse(Arrays.stream(box(v.toFloatArray())).anyMatch(f -> f.isNaN()));

    IllegalArgumentException missing =
        assertThrows(IllegalArgumentException.class, () -> sr.predictV(DenoiserInput.of(random(new Shape(1, 4, 3, 8, 8), 1),
            manager.create(new float[] {1f}))));
    assertEquals("a super-resolution stage needs the low-resolution latent", missing.getMessage());
  }

  @Test
  void imageSetsStayIndependentUnderTheIdentityMask() {
    WaltTransformer model = randomModel(tiny());
    NDArray x = random(new Shape(2, 4, 3, 8, 8), 1);
    NDArray perturbed = x.duplicate();
    perturbed.set(new NDIndex("0, :, 1"), random(new Shape(4, 8, 8), 99)); // frame 1 of sample 0
    boolean[] images = {true, false};
    float[] before = forward(model, x, images);
    float[] after = forward(model, perturbed, images);
    int frame = 8 * 8;
    int sample = 4 * 3 * frame;
    for (int c = 0; c < 4; c++) {
      for (int t = 0; t < 3; t++) {
        int from = c * 3 * frame + t * frame;
        float[] b = Arrays.copyOfRange(before, from, from + frame);
        float[] a = Arrays.copyOfRange(after, from, from + frame);
        if (t == 1) {
          assertFalse(Arrays.equals(b, a), "the perturbed image itself changes");
        } else {
          assertArrayEquals(b, a, "image " + t + " of the set must not see image 1");
        }
      }
    }
    assertArrayEquals(Arrays.copyOfRange(before, sample, 2 * sample), Arrays.copyOfRange(after, sample, 2 * sample));

    // Control: as a video the same perturbation reaches frame 0 through the spatiotemporal windows.
    float[] videoBefore = forward(model, x, null);
    float[] videoAfter = forward(model, perturbed, null);
    assertFalse(Arrays.equals(Arrays.copyOfRange(videoBefore, 0, frame), Arrays.copyOfRange(videoAfter, 0, frame)));
  }

  @Test
  void anImageOfASetMatchesTheSameImageAlone() {
    WaltTransformer model = randomModel(tiny());
    NDArray set = random(new Shape(1, 4, 3, 8, 8), 1);
    float[] inSet = forward(model, set, new boolean[] {true});
    float[] alone = forward(model, set.get(":, :, 2:3").duplicate(), null);
    int frame = 64;
    for (int c = 0; c < 4; c++) {
      for (int i = 0; i < frame; i++) {
        assertEquals(alone[c * frame + i], inSet[c * 3 * frame + 2 * frame + i], 1e-5);
      }
    }
  }

  private float[] forward(WaltTransformer model, NDArray x, boolean[] imageSet) {
    long b = x.getShape().get(0);
    float[] t = new float[(int) b];
    Arrays.fill(t, 250f);
    DenoiserInput in = new DenoiserInput(x, manager.create(t), null, random(new Shape(b, 5, 6), 2),
        manager.ones(new Shape(b, 5)), null, null, null, null, false);
    return model.forward(new ParameterStore(manager, false), in, imageSet).toFloatArray();
  }

  @Test
  void paddedTextTokensHaveNoEffect() {
    WaltTransformer model = randomModel(tiny());
    NDArray x = random(new Shape(2, 4, 3, 8, 8), 1);
    NDArray text = random(new Shape(2, 5, 6), 2);
    NDArray mask = manager.create(new float[] {1, 1, 1, 0, 0, 1, 0, 0, 0, 0}, new Shape(2, 5));
    float[] reference = model.predictV(input(x, text, mask)).toFloatArray();

    NDArray paddingChanged = text.duplicate();
    paddingChanged.set(new NDIndex("0, 3:"), random(new Shape(2, 6), 8));
    paddingChanged.set(new NDIndex("1, 1:"), random(new Shape(4, 6), 9));
    assertArrayEquals(reference, model.predictV(input(x, paddingChanged, mask)).toFloatArray());

    NDArray realChanged = text.duplicate();
    realChanged.set(new NDIndex("1, 0"), random(new Shape(6), 10));
    float[] changed = model.predictV(input(x, realChanged, mask)).toFloatArray();
    assertFalse(Arrays.equals(reference, changed), "a real token changes the prediction");
  }

  /** Copies every parameter of {@code from} into {@code to}, which has {@code extra} more; returns {@code to}'s by name. */
  private static java.util.Map<String, ai.djl.nn.Parameter> copyShared(WaltTransformer from, WaltTransformer to, int extra) {
    java.util.Map<String, ai.djl.nn.Parameter> source = dev.walt.model.checkpoint.ParameterNames.of(from);
    java.util.Map<String, ai.djl.nn.Parameter> target = dev.walt.model.checkpoint.ParameterNames.of(to);
    assertEquals(source.size() + extra, target.size());
    source.forEach((name, p) -> target.get(name).getArray().set(p.getArray().toByteBuffer()));
    return target;
  }

  @Test
  void thePooledTextPathStartsSilentThenCarriesOnlyTheRealTokens() {
    NDArray x = random(new Shape(2, 4, 3, 8, 8), 1);
    NDArray text = random(new Shape(2, 5, 6), 2);
    NDArray mask = manager.create(new float[] {1, 1, 1, 0, 0, 1, 0, 0, 0, 0}, new Shape(2, 5));
    WaltTransformer plain = randomModel(tiny());
    WaltTransformer pooled = WaltTransformer.create(tiny().withPooledText(true), manager, 7);
    java.util.Map<String, ai.djl.nn.Parameter> target = copyShared(plain, pooled, 2);
    // Zero-initialised: the same predictions as the model without the path.
    assertArrayEquals(plain.predictV(input(x, text, mask)).toFloatArray(), pooled.predictV(input(x, text, mask)).toFloatArray());

    // With the cross-attention's projection zero, the tokens' content reaches the blocks only through the pool.
    target.get("textProjection.weight").getArray().set(new float[6 * 16]);
    TestWeights.randomize(target.get("textPool.weight").getArray(), new SplittableRandom(5), 0.5);
    float[] reference = pooled.predictV(input(x, text, mask)).toFloatArray();
    NDArray paddingChanged = text.duplicate();
    paddingChanged.set(new NDIndex("0, 3:"), random(new Shape(2, 6), 8));
    paddingChanged.set(new NDIndex("1, 1:"), random(new Shape(4, 6), 9));
    assertArrayEquals(reference, pooled.predictV(input(x, paddingChanged, mask)).toFloatArray());
    NDArray realChanged = text.duplicate();
    realChanged.set(new NDIndex("1, 0"), random(new Shape(6), 10));
    float[] changed = pooled.predictV(input(x, realChanged, mask)).toFloatArray();
    assertFalse(Arrays.equals(reference, changed), "a real token changes the prediction through the pool");
    // Only sample 1's prompt changed, and the pool is per sample.
    int half = reference.length / 2;
    assertArrayEquals(Arrays.copyOf(reference, half), Arrays.copyOf(changed, half));
  }

  @Test
  void theTextLayoutStartsSilentThenPlacesPerFrameMapsFromTheCaption() {
    NDArray x = random(new Shape(2, 4, 3, 8, 8), 1);
    NDArray text = random(new Shape(2, 5, 6), 2);
    NDArray mask = manager.create(new float[] {1, 1, 1, 0, 0, 1, 1, 0, 0, 0}, new Shape(2, 5));
    WaltTransformer plain = randomModel(tiny());
    WaltTransformer layout = WaltTransformer.create(tiny().withTextLayout(2), manager, 7);
    java.util.Map<String, ai.djl.nn.Parameter> target = copyShared(plain, layout, 3);
    // The maps start at zero: the same predictions as the model without the path.
    assertArrayEquals(plain.predictV(input(x, text, mask)).toFloatArray(), layout.predictV(input(x, text, mask)).toFloatArray());

    TestWeights.randomize(target.get("textLayout.weight").getArray(), new SplittableRandom(5), 0.5);
    float[] reference = layout.predictV(input(x, text, mask)).toFloatArray();
    assertFalse(Arrays.equals(reference, plain.predictV(input(x, text, mask)).toFloatArray()));
    NDArray paddingChanged = text.duplicate();
    paddingChanged.set(new NDIndex("0, 3:"), random(new Shape(2, 6), 8));
    assertArrayEquals(reference, layout.predictV(input(x, paddingChanged, mask)).toFloatArray());
    NDArray realChanged = text.duplicate();
    realChanged.set(new NDIndex("0, 1"), random(new Shape(6), 10));
    float[] changed = layout.predictV(input(x, realChanged, mask)).toFloatArray();
    int half = reference.length / 2;
    assertFalse(Arrays.equals(Arrays.copyOf(reference, half), Arrays.copyOf(changed, half)));
    assertArrayEquals(Arrays.copyOfRange(reference, half, reference.length), Arrays.copyOfRange(changed, half, changed.length));
  }

  @Test
  void theTextLayoutAddsEachFramesMapAlongTheDirectionsAndFrameZerosToImages() {
    int rank = 2;
    int dim = 3;
    TextLayout layout = new TextLayout(4, rank, 3, 2, 2, dim);
    layout.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32);
    java.util.Map<String, ai.djl.nn.Parameter> p = dev.walt.model.checkpoint.ParameterNames.of(layout);
    NDArray weight = p.get("weight").getArray();
    NDArray bias = p.get("bias").getArray();
    NDArray directions = p.get("directions").getArray();
    assertEquals(new Shape(4, rank * 3 * 2 * 2), weight.getShape());
    assertArrayEquals(new float[4 * 24], weight.toFloatArray());
    assertFalse(Arrays.equals(new float[rank * dim], directions.toFloatArray()), "random directions give W a gradient");
    TestWeights.randomize(weight, new SplittableRandom(3), 1.0);
    TestWeights.randomize(bias, new SplittableRandom(4), 1.0);
    NDArray pooled = random(new Shape(2, 4), 5);
    NDArray x = random(new Shape(2, 2, 2, 1, dim), 6); // a smaller grid than the maps': they are cropped
    float[] out = layout.forward(new ParameterStore(manager, false), x, pooled, new boolean[] {false, true}, false)
        .toFloatArray();
    float[] w = weight.toFloatArray();
    float[] c = bias.toFloatArray();
    float[] u = directions.toFloatArray();
    float[] q = pooled.toFloatArray();
    float[] in = x.toFloatArray();
    for (int b = 0; b < 2; b++) {
      for (int t = 0; t < 2; t++) {
        for (int h = 0; h < 2; h++) {
          int token = ((b * 2 + t) * 2 + h) * dim;
          for (int e = 0; e < dim; e++) {
            double expected = in[token + e];
            for (int k = 0; k < rank; k++) {
              int frame = b == 1 ? 0 : t; // sample 1 is a set of images: frame 0's maps on every frame
              int m = ((k * 3 + frame) * 2 + h) * 2; // column 0 of the 2-wide map
              double map = c[m];
              for (int i = 0; i < 4; i++) {
                map += q[b * 4 + i] * w[i * 24 + m];
              }
              expected += map * u[k * dim + e];
            }
            assertEquals(expected, out[token + e], 1e-4, "b" + b + " t" + t + " h" + h);
          }
        }
      }
    }
    assertThrows(IllegalArgumentException.class,
        () -> layout.forward(new ParameterStore(manager, false), random(new Shape(1, 4, 2, 2, dim), 7), pooled.get("0:1"),
            null, false));
  }

  @Test
  void adaLnLoraGivesEveryLayerItsOwnRankRCorrection() {
    int layers = 4;
    int dim = 16;
    int rank = 2;
    AdaLnLora ada = new AdaLnLora(dim, layers, rank);
    ada.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32);
    assertEquals(new Shape(layers * rank, dim), ada.loraDown().getArray().getShape());
    assertEquals(new Shape(layers, rank, 6 * dim), ada.loraUp().getArray().getShape());
    NDArray c = random(new Shape(3, dim), 4);
    ParameterStore store = new ParameterStore(manager, false);

    // At initialisation B_l = 0: every layer gets exactly the shared modulation.
    TestWeights.randomize(ada.shared(), 5, 0.3);
    NDArray initial = ada.forward(store, c, false);
    assertEquals(new Shape(layers, 3, 6 * dim), initial.getShape());
    float[] shared = ada.shared().forward(store, c, false).toFloatArray();
    for (int l = 0; l < layers; l++) {
      assertArrayEquals(shared, initial.get(l).toFloatArray());
    }

    TestWeights.randomize(ada.loraUp().getArray(), new SplittableRandom(6), 0.3);
    float[] mods = ada.forward(store, c, false).toFloatArray();
    float[] a = ada.loraDown().getArray().toFloatArray(); // (L*r, D)
    float[] up = ada.loraUp().getArray().toFloatArray(); // (L, r, 6D)
    float[] cv = c.toFloatArray();
    int m = 6 * dim;
    for (int l = 0; l < layers; l++) {
      for (int b = 0; b < 3; b++) {
        double[] low = new double[rank];
        for (int r = 0; r < rank; r++) {
          for (int d = 0; d < dim; d++) {
            low[r] += a[(l * rank + r) * dim + d] * cv[b * dim + d];
          }
        }
        for (int j = 0; j < m; j++) {
          double correction = 0;
          for (int r = 0; r < rank; r++) {
            correction += up[(l * rank + r) * m + j] * low[r];
          }
          assertEquals(shared[b * m + j] + correction, mods[(l * 3 + b) * m + j], 1e-5);
        }
      }
    }
    // and the layers differ from each other
    int perLayer = 3 * m;
    for (int l = 1; l < layers; l++) {
      assertFalse(Arrays.equals(Arrays.copyOfRange(mods, 0, perLayer), Arrays.copyOfRange(mods, l * perLayer, (l + 1) * perLayer)));
    }
  }

  @Test
  void sameSeedGivesBitIdenticalWeightsAndOutputs() {
    TransformerConfig config = tiny();
    WaltTransformer first = WaltTransformer.create(config, manager, 42);
    WaltTransformer second = WaltTransformer.create(config, manager, 42);
    WaltTransformer other = WaltTransformer.create(config, manager, 43);
    var a = first.getParameters();
    var b = second.getParameters();
    assertEquals(a.keys(), b.keys());
    boolean anyDifferent = false;
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i).getValue().getArray().toFloatArray(), b.get(i).getValue().getArray().toFloatArray(), a.get(i).getKey());
      anyDifferent |= !Arrays.equals(a.get(i).getValue().getArray().toFloatArray(),
          other.getParameters().get(i).getValue().getArray().toFloatArray());
    }
    assertTrue(anyDifferent, "another seed gives other weights");

    TestWeights.randomize(first, 3, 0.2);
    TestWeights.randomize(second, 3, 0.2);
    NDArray x = random(new Shape(1, 4, 3, 8, 8), 1);
    NDArray text = random(new Shape(1, 5, 6), 2);
    assertArrayEquals(first.predictV(input(x, text, manager.ones(new Shape(1, 5)))).toFloatArray(),
        second.predictV(input(x, text, manager.ones(new Shape(1, 5)))).toFloatArray());
  }

  @Test
  void conditioningInputsChangeThePrediction() {
    WaltTransformer model = randomModel(tiny());
    NDArray x = random(new Shape(1, 4, 3, 8, 8), 1);
    NDArray t = manager.create(new float[] {100f});
    float[] plain = model.predictV(DenoiserInput.of(x, t)).toFloatArray();
    NDArray frames = random(new Shape(1, 4, 3, 8, 8), 3);
    NDArray mask = manager.create(new float[] {1, 0, 0}, new Shape(1, 3));
    float[] withFrames = model.predictV(new DenoiserInput(x, t, null, null, null, frames, mask, null, null, false)).toFloatArray();
    float[] withSelf = model.predictV(new DenoiserInput(x, t, frames, null, null, null, null, null, null, false)).toFloatArray();
    float[] otherTime = model.predictV(DenoiserInput.of(x, manager.create(new float[] {900f}))).toFloatArray();
    assertFalse(Arrays.equals(plain, withFrames));
    assertFalse(Arrays.equals(plain, withSelf));
    assertFalse(Arrays.equals(plain, otherTime));
  }

  @Test
  void forwardPassesLeaveNoArraysOnTheModelsManager() throws ReflectiveOperationException {
    WaltTransformer model = randomModel(tiny());
    java.lang.reflect.Field field = ai.djl.ndarray.BaseNDManager.class.getDeclaredField("resources");
    field.setAccessible(true);
    java.util.Map<?, ?> resources = (java.util.Map<?, ?>) field.get(manager);
    boolean[][] imageSets = {null, {true, false}};
    int[] counts = new int[3];
    for (int pass = 0; pass < 3; pass++) {
      try (NDManager call = NDManager.newBaseManager()) {
        NDArray x = call.randomNormal(new Shape(2, 4, 3, 8, 8));
        DenoiserInput in = new DenoiserInput(x, call.create(new float[] {1f, 2f}), x, call.randomNormal(new Shape(2, 5, 6)),
            call.ones(new Shape(2, 5)), x, call.ones(new Shape(2, 3)), null, null, false);
        model.forward(new ParameterStore(call, false), in, imageSets[pass % 2]).toFloatArray();
      }
      counts[pass] = resources.size();
    }
    // The first passes may cache index/mask constants; later passes add nothing.
    assertEquals(counts[1], counts[2]);
  }

  @Test
  void gradientsReachEveryKindOfParameter() {
    WaltTransformer model = randomModel(tiny());
    for (var pair : model.getParameters()) {
      pair.getValue().getArray().setRequiresGradient(true);
    }
    try (ai.djl.training.GradientCollector collector = manager.getEngine().newGradientCollector();
        NDManager call = manager.newSubManager()) {
      NDArray x = random(new Shape(2, 4, 3, 8, 8), 3); // seeded: the check must not depend on test order
      DenoiserInput in = new DenoiserInput(x, call.create(new float[] {1f, 2f}), x, random(new Shape(2, 5, 6), 4),
          call.create(new float[] {1, 1, 0, 0, 0, 1, 1, 1, 1, 0}, new Shape(2, 5)), null, null, null, null, true);
      NDArray v = model.forward(new ParameterStore(call, false), in, new boolean[] {true, false});
      collector.backward(v.square().mean());
    }
    var parameters = model.getParameters();
    for (String name : new String[] {
        "07block1_01attention_relativeBias", "06block0_01attention_01qkv_weight", "06block0_01attention_03queryNorm_weight",
        "05adaLnLora_loraUp", "05adaLnLora_loraDown", "02positions_temporal", "04textProjection_weight",
        "01patchEmbed_01proj_weight", "10finalLayer_02proj_bias"}) {
      float[] grad = parameters.get(name).getArray().getGradient().toFloatArray();
      double norm = 0;
      for (float g : grad) {
        assertTrue(Float.isFinite(g), name);
        norm += g * g;
      }
      assertTrue(norm > 0, "gradient of " + name + " is zero");
    }
  }

  @Test
  void parameterNamesAreHierarchical() {
    WaltTransformer model = new WaltTransformer(tiny());
    var names = model.getParameters().keys();
    assertTrue(names.contains("01patchEmbed_01proj_weight"), names.toString());
    assertTrue(names.contains("07block1_01attention_relativeBias"), names.toString());
    assertTrue(names.contains("05adaLnLora_loraUp"), names.toString());
    assertTrue(names.contains("10finalLayer_02proj_weight"), names.toString());
    assertNotEquals(0, model.parameterCount());
  }

  private static Float[] box(float[] values) {
    Float[] boxed = new Float[values.length];
    for (int i = 0; i < values.length; i++) {
      boxed[i] = values[i];
    }
    return boxed;
  }
}
