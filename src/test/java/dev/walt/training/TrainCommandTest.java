package dev.walt.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.walt.model.StageConfig;
import dev.walt.model.TestModels;
import dev.walt.model.WaltConfig;
import dev.walt.model.WaltModel;
import dev.walt.model.checkpoint.CheckpointException;
import dev.walt.model.checkpoint.Checkpoints;
import dev.walt.model.checkpoint.ParameterNames;
import dev.walt.model.diffusion.DenoiserInput;
import dev.walt.model.transformer.TransformerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@org.junit.jupiter.api.extension.ExtendWith(dev.walt.model.SingleThreadedTorch.class)
class TrainCommandTest {

  @TempDir Path dir;

  @Test
  void aWarmStartCopiesEveryMatchingParameterAndLeavesTheNewPathAtZero() throws IOException {
    WaltConfig small = TestModels.small();
    Path source = savedRandomModel(small);
    WaltConfig pooled = TestModels.withPooledBase(small);
    Path target = dir.resolve("target");
    Checkpoints.writeConfig(target, pooled);

    try (WaltModel from = WaltModel.load(source);
        WaltModel to = TrainCommand.warmStart(target, "walt-tiny", 9, source)) {
      assertEquals(pooled, to.config());
      assertSameParameters(from.vae(), to.vae(), 0);
      assertSameParameters(from.textEncoder(), to.textEncoder(), 0);
      assertSameParameters(from.stages().get(1), to.stages().get(1), 0);
      // The base stage: everything copied but the two parameters of the new path, which start at zero.
      Map<String, Parameter> base = ParameterNames.of(to.stages().get(0));
      assertSameParameters(from.stages().get(0), to.stages().get(0), 2);
      for (String name : new String[] {"textPool.weight", "textPool.bias"}) {
        for (float v : base.get(name).getArray().toFloatArray()) {
          assertEquals(0f, v, name);
        }
      }
    }
  }

  @Test
  void aWarmStartOntoALargerPatchPredictsTheNearestUpsamplingOfTheSmallStagesOutput() throws IOException {
    WaltConfig small = TestModels.small();
    Path source = savedRandomModel(small);
    TransformerConfig t = small.base().transformer();
    TransformerConfig doubled =
        new TransformerConfig(t.latentChannels(), 2, t.depth(), t.hiddenSize(), t.heads(), t.mlpRatio(),
            t.spatialWindow(), t.spatiotemporalWindow(), t.adaLnLoraRank(), t.textDim(), t.maxLatentFrames(),
            2 * t.maxLatentHeight(), 2 * t.maxLatentWidth(), t.selfConditioning(), t.frameConditioning(),
            t.superResolutionFactor(), t.qkNorm(), t.relativePositionBias(), t.pooledText(), t.textLayoutRank());
    StageConfig b = small.base();
    WaltConfig large = new WaltConfig(small.name(), small.fps(), small.frames(), small.overlapFrames(),
        small.maxFrames(), small.vae(), small.text(), small.diffusion(),
        List.of(new StageConfig("base", doubled, 2 * b.height(), 2 * b.width(), b.steps(), b.guidance(),
            b.noiseAugmentation(), b.text())));
    Path target = dir.resolve("target");
    Checkpoints.writeConfig(target, large);

    try (WaltModel from = WaltModel.load(source);
        WaltModel to = TrainCommand.warmStart(target, "walt-tiny", 9, source);
        NDManager scope = NDManager.newBaseManager()) {
      scope.getEngine().setRandomSeed(5);
      NDArray latent = scope.randomNormal(new Shape(2, t.latentChannels(), 3, 4, 4));
      NDArray timesteps = scope.create(new float[] {700f, 100f});
      float[] smallV = from.stages().get(0).predictV(DenoiserInput.of(latent, timesteps)).toFloatArray();
      NDArray largeV = to.stages().get(0).predictV(DenoiserInput.of(nearest2x(latent), timesteps));
      float[] expected = nearest2x(scope.create(smallV, latent.getShape())).toFloatArray();
      float[] got = largeV.toFloatArray();
      double scale = 0;
      for (float v : smallV) {
        scale = Math.max(scale, Math.abs(v));
      }
      assertTrue(scale > 0.1, "the random model predicts something: " + scale);
      assertArrayEquals(expected, got, (float) (1e-4 * scale));
      // Every other parameter came over unchanged.
      Map<String, Parameter> a = ParameterNames.of(from.stages().get(0));
      Map<String, Parameter> c = ParameterNames.of(to.stages().get(0));
      assertEquals(a.keySet(), c.keySet());
      a.forEach((name, p) -> {
        if (!name.startsWith("patchEmbed.proj.weight") && !name.startsWith("finalLayer.proj.")) {
          assertArrayEquals(p.getArray().toFloatArray(), c.get(name).getArray().toFloatArray(), name);
        }
      });
    }
  }

  /** (B, C, T, H, W) -> (B, C, T, 2H, 2W), each cell repeated 2 x 2. */
  private static NDArray nearest2x(NDArray x) {
    return x.repeat(3, 2).repeat(4, 2);
  }

  @Test
  void aWarmStartOfSomePartsLeavesTheOthersAsTheSeedInitialisesThem() throws IOException {
    WaltConfig small = TestModels.small();
    Path source = savedRandomModel(small);
    Path target = dir.resolve("target");
    Checkpoints.writeConfig(target, small);
    try (WaltModel from = WaltModel.load(source);
        WaltModel fresh = WaltModel.randomInit(small, 9);
        WaltModel to = TrainCommand.warmStart(target, "walt-tiny", 9, source, java.util.Set.of("vae", "sr1"))) {
      assertSameParameters(from.vae(), to.vae(), 0);
      assertSameParameters(from.stages().get(1), to.stages().get(1), 0);
      assertSameParameters(fresh.textEncoder(), to.textEncoder(), 0);
      assertSameParameters(fresh.stages().get(0), to.stages().get(0), 0);
    }
  }

  @Test
  void aMisspeltOrValuelessOptionIsRefusedBeforeAnythingIsTrained() {
    // exit status 2 (usage) without opening a model: no folder named here is created
    Path nowhere = Path.of("target", "train-refused-" + System.nanoTime());
    assertEquals(2, TrainCommand.run(new String[] {"--stage", "base", "--model-out", nowhere.toString(),
        "--objectweight", "2"}));
    assertEquals(2, TrainCommand.run(new String[] {"--stage", "base", "--model-out", nowhere.toString(), "--steps"}));
    assertFalse(java.nio.file.Files.exists(nowhere));
  }

  @Test
  void aWarmStartRejectsAPartNameTheModelDoesNotHave() throws IOException {
    Path source = savedRandomModel(TestModels.small());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class,
            () -> TrainCommand.warmStart(dir.resolve("target"), "walt-tiny", 1, source, java.util.Set.of("vae", "sr-1")));
    assertTrue(e.getMessage().contains("[sr-1]") && e.getMessage().contains("sr2"), e.getMessage());
  }

  @Test
  void stageOptionsAreRejectedForAStageTheyDoNotApplyTo() throws IOException {
    Path model = savedRandomModel(TestModels.small());
    String work = dir.resolve("work").toString();
    assertEquals("--resolutions is for --stage vae",
        assertThrows(IllegalArgumentException.class,
            () -> TrainCommand.train("sr1", Map.of("resolutions", "32"), false, false)).getMessage());
    assertEquals("--noise-band needs --high-noise P > 0 (the share of timesteps drawn from it)",
        assertThrows(IllegalArgumentException.class,
            () -> TrainCommand.train("base", Map.of("noise-band", "250-650", "model-out", model.toString(), "work", work),
                false, false)).getMessage());
    for (String option : List.of("detail-weight", "max-augmentation")) {
      for (String stage : List.of("vae", "base")) {
        assertEquals("--detail-weight and --max-augmentation are for a super-resolution stage",
            assertThrows(IllegalArgumentException.class,
                () -> TrainCommand.train(
                    stage, Map.of(option, "3", "model-out", model.toString(), "work", work), false, false))
                .getMessage());
      }
    }
    assertEquals("--latent-pool is for a diffusion stage (the autoencoder encodes as it trains)",
        assertThrows(IllegalArgumentException.class,
            () -> TrainCommand.train("vae", Map.of("latent-pool", "2", "model-out", model.toString(), "work", work), false,
                false)).getMessage());
    for (String option : List.of("object-weight", "outline-weight")) {
      for (String stage : List.of("vae", "sr1")) {
        assertEquals("--" + option + " is for the base stage",
            assertThrows(IllegalArgumentException.class,
                () -> TrainCommand.train(
                    stage, Map.of(option, "2", "model-out", model.toString(), "work", work), false, false))
                .getMessage());
      }
    }
    assertTrue(java.nio.file.Files.notExists(dir.resolve("work")), "nothing trained");
  }

  @Test
  void theRefinerOptionsAreForASuperResolutionStageWithARefiner() throws IOException {
    Path plain = savedRandomModel(TestModels.small());
    String work = dir.resolve("work").toString();
    for (String stage : List.of("vae", "base")) {
      assertEquals("--refiner is for a super-resolution stage",
          assertThrows(IllegalArgumentException.class,
              () -> TrainCommand.train(stage, Map.of("refiner", "true", "model-out", plain.toString(), "work", work),
                  false, false)).getMessage());
    }
    assertEquals("--refiner-pool, --refiner-redraws, --refiner-noise and --refiner-clean are for --refiner",
        assertThrows(IllegalArgumentException.class,
            () -> TrainCommand.train("sr1", Map.of("refiner-pool", "3", "model-out", plain.toString(), "work", work),
                false, false)).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
            () -> TrainCommand.train("sr1", Map.of("refiner", "true", "model-out", plain.toString(), "work", work),
                false, false)).getMessage().startsWith("stage sr1 has no refiner in "));
    assertTrue(java.nio.file.Files.notExists(dir.resolve("work")), "nothing trained");
  }

  @Test
  void theGuideOptionsAreForTheFirstStageWithAGuide() throws IOException {
    Path plain = savedRandomModel(TestModels.small());
    String work = dir.resolve("work").toString();
    for (String stage : List.of("vae", "sr1")) {
      assertEquals("--guide is for the first stage",
          assertThrows(IllegalArgumentException.class,
              () -> TrainCommand.train(stage, Map.of("guide", "true", "model-out", plain.toString(), "work", work),
                  false, false)).getMessage());
    }
    assertEquals("--guide-pool and --guide-robust are for --guide",
        assertThrows(IllegalArgumentException.class,
            () -> TrainCommand.train("base", Map.of("guide-pool", "70", "model-out", plain.toString(), "work", work),
                false, false)).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
            () -> TrainCommand.train("base", Map.of("guide", "true", "model-out", plain.toString(), "work", work),
                false, false)).getMessage().startsWith("stage base has no guide in its config.json"));
    assertTrue(java.nio.file.Files.notExists(dir.resolve("work")), "nothing trained");
  }

  @Test
  void theGuideTrainsAloneAndAWarmStartCarriesIt() throws IOException {
    WaltConfig guided = TestModels.withGuide(TestModels.small(), 8, 1);
    Path model = dir.resolve("guided"); // in fp16, as an export writes it: only what trained may change
    try (WaltModel random = WaltModel.randomWeights(guided, 3, Device.cpu())) {
      random.save(model, DataType.FLOAT16);
    }
    Map<String, float[]> before = weights(model);
    String work = dir.resolve("work").toString();
    assertEquals(0, TrainCommand.train("base",
        Map.of("guide", "true", "guide-pool", "66", "steps", "3", "batch", "2", "model-out", model.toString(), "work",
            work), false, true));
    Map<String, float[]> after = weights(model);
    for (String name : before.keySet()) {
      boolean same = java.util.Arrays.equals(before.get(name), after.get(name));
      assertEquals(!name.startsWith("base-guide.safetensors:"), same, name);
    }
    // a warm start of the same architecture copies the guide with its stage
    Path copy = dir.resolve("copy");
    java.nio.file.Files.createDirectories(copy);
    Checkpoints.writeConfig(copy, guided);
    try (WaltModel warm = TrainCommand.warmStart(copy, "walt-tiny", 9, model, Set.of("base"));
        WaltModel source = WaltModel.load(model)) {
      for (var pair : source.guide(0).getParameters()) {
        assertArrayEquals(pair.getValue().getArray().toFloatArray(),
            warm.guide(0).getParameters().get(pair.getKey()).getArray().toFloatArray(), 0f, pair.getKey());
      }
    }
  }

  @Test
  void theCaptionRefinerOptionsAreForTheFirstStageWithOne() throws IOException {
    Path plain = savedRandomModel(TestModels.small());
    String work = dir.resolve("work").toString();
    for (String stage : List.of("vae", "sr1")) {
      assertEquals("--caption-refiner is for the first stage",
          assertThrows(IllegalArgumentException.class,
              () -> TrainCommand.train(stage,
                  Map.of("caption-refiner", "true", "model-out", plain.toString(), "work", work), false, false))
              .getMessage());
    }
    assertTrue(assertThrows(IllegalArgumentException.class,
            () -> TrainCommand.train("base",
                Map.of("caption-refiner", "true", "model-out", plain.toString(), "work", work), false, false))
        .getMessage().startsWith("stage base has no caption refiner in its config.json"));
    for (String option : List.of("redraw-pool", "redraw-share", "own-inputs", "fade")) {
      assertEquals("--redraw-pool, --redraw-share, --own-inputs and --fade are for --caption-refiner",
          assertThrows(IllegalArgumentException.class,
              () -> TrainCommand.train("base", Map.of(option, "1", "model-out", plain.toString(), "work", work), false,
                  false)).getMessage());
    }
    assertEquals("--redraw-share needs --redraw-pool N",
        assertThrows(IllegalArgumentException.class,
            () -> TrainCommand.train("base", Map.of("caption-refiner", "true", "redraw-share", "0.5", "model-out",
                plain.toString(), "work", work), false, false)).getMessage());
    assertEquals("--redraw-strength needs --redraw-pool N or --refiner-redraws N",
        assertThrows(IllegalArgumentException.class,
            () -> TrainCommand.train("base", Map.of("caption-refiner", "true", "redraw-strength", "0.5-0.6",
                "model-out", plain.toString(), "work", work), false, false)).getMessage());
    assertEquals("--refiner-pool, --refiner-redraws, --refiner-noise and --refiner-clean are for --refiner",
        assertThrows(IllegalArgumentException.class,
            () -> TrainCommand.train("base", Map.of("caption-refiner", "true", "refiner-redraws", "4",
                "model-out", plain.toString(), "work", work), false, false)).getMessage());
    assertEquals("--refiner-redraws N sets the pool's size: give it or --refiner-pool",
        assertThrows(IllegalArgumentException.class,
            () -> TrainCommand.train("sr1", Map.of("refiner", "true", "refiner-redraws", "4", "refiner-pool", "4",
                "model-out", plain.toString(), "work", work), false, false)).getMessage());
    assertTrue(java.nio.file.Files.notExists(dir.resolve("work")), "nothing trained");
  }

  @Test
  void aFolderWithSomeOfItsWeightsButNotAllIsRefusedNotStartedAfresh() throws IOException {
    Path trained = savedRandomModel(TestModels.small());
    Checkpoints.writeConfig(trained, TestModels.withCaptionRefiner(TestModels.small(), 8, 3)); // a part added
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainCommand.train("base", Map.of("caption-refiner", "true", "model-out", trained.toString(), "work",
            dir.resolve("work").toString()), false, false));
    assertEquals(trained + " holds some of its model's weights but not [base-caption-refiner.safetensors]: to add a"
        + " part to a trained model, give an empty folder with the new config.json as --model-out and the trained"
        + " model as --init-from", e.getMessage());
  }

  @Test
  void theCaptionRefinerTrainsAloneAndAWarmStartCarriesIt() throws IOException {
    WaltConfig refined = TestModels.withCaptionRefiner(TestModels.small(), 8, 3);
    Path model = dir.resolve("refined"); // in fp16, as an export writes it: only what trained may change
    try (WaltModel random = WaltModel.randomWeights(refined, 3, Device.cpu())) {
      random.save(model, DataType.FLOAT16);
    }
    Map<String, float[]> before = weights(model);
    String work = dir.resolve("work").toString();
    assertEquals(0, TrainCommand.train("base",
        Map.of("caption-refiner", "true", "steps", "3", "batch", "2", "model-out", model.toString(), "work", work,
            "redraw-pool", "3", "redraw-strength", "0.6-0.8"),
        false, true));
    assertTrue(java.nio.file.Files.isRegularFile(dir.resolve("work").resolve(RedrawPool.FILE)), "the redraws kept");
    Map<String, float[]> after = weights(model);
    for (String name : before.keySet()) {
      boolean same = java.util.Arrays.equals(before.get(name), after.get(name));
      assertEquals(!name.startsWith("base-caption-refiner.safetensors:"), same, name);
    }
    Path copy = dir.resolve("copy");
    java.nio.file.Files.createDirectories(copy);
    Checkpoints.writeConfig(copy, refined);
    try (WaltModel warm = TrainCommand.warmStart(copy, "walt-tiny", 9, model, Set.of("base"));
        WaltModel source = WaltModel.load(model)) {
      for (var pair : source.captionRefiner(0).getParameters()) {
        assertArrayEquals(pair.getValue().getArray().toFloatArray(),
            warm.captionRefiner(0).getParameters().get(pair.getKey()).getArray().toFloatArray(), 0f, pair.getKey());
      }
    }
  }

  /** Every tensor of every weight file of the model in {@code folder}, as "file:tensor". */
  private static Map<String, float[]> weights(Path folder) throws IOException {
    Map<String, float[]> all = new java.util.TreeMap<>();
    try (WaltModel m = WaltModel.load(folder)) {
      if (m.guide(0) != null) {
        all.putAll(prefixed("base-guide.safetensors:", m.guide(0)));
      }
      if (m.captionRefiner(0) != null) {
        all.putAll(prefixed("base-caption-refiner.safetensors:", m.captionRefiner(0)));
      }
      all.putAll(prefixed("base.safetensors:", m.stages().get(0)));
      all.putAll(prefixed("text.safetensors:", m.textEncoder()));
      all.putAll(prefixed("vae.safetensors:", m.vae()));
    }
    return all;
  }

  private static Map<String, float[]> prefixed(String prefix, ai.djl.nn.Block block) {
    Map<String, float[]> out = new java.util.TreeMap<>();
    for (var pair : block.getParameters()) {
      out.put(prefix + pair.getKey(), pair.getValue().getArray().toFloatArray());
    }
    return out;
  }

  @Test
  void aWarmStartNeedsACompleteSource() {
    Path empty = dir.resolve("empty");
    assertThrows(CheckpointException.class, () -> TrainCommand.warmStart(dir.resolve("target"), "walt-tiny", 1, empty));
  }

  /** A model of {@code config} with random weights, saved in fp32 to {@code dir/source}. */
  private Path savedRandomModel(WaltConfig config) throws IOException {
    Path source = dir.resolve("source");
    try (WaltModel trained = WaltModel.randomWeights(config, 3, Device.cpu())) {
      trained.save(source, DataType.FLOAT32);
    }
    return source;
  }

  /** Every parameter of {@code from} equals the one of {@code to} with its name; {@code to} has {@code extra} more. */
  private static void assertSameParameters(Block from, Block to, int extra) {
    Map<String, Parameter> a = ParameterNames.of(from);
    Map<String, Parameter> b = ParameterNames.of(to);
    assertEquals(a.size() + extra, b.size());
    assertTrue(b.keySet().containsAll(a.keySet()));
    a.forEach((name, p) -> assertArrayEquals(p.getArray().toFloatArray(), b.get(name).getArray().toFloatArray(), name));
  }
}
