package dev.walt.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.walt.model.checkpoint.CheckpointException;
import dev.walt.model.checkpoint.ParameterNames;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@org.junit.jupiter.api.extension.ExtendWith(dev.walt.model.SingleThreadedTorch.class)
class WaltModelTest {

  private static WaltModel model;

  @TempDir Path dir;

  @BeforeAll
  static void create() {
    model = WaltModel.randomWeights(
        TestModels.withCaptionRefiner(TestModels.withGuide(TestModels.withRefiner(TestModels.small(), 1, 4, 2), 8, 1.5),
            8, 3), 7, Device.cpu());
    // the refiner's output convolution starts at zero: give it weights that a save and a load must carry
    try (NDManager scope = model.manager().newSubManager()) {
      for (ai.djl.nn.Block zeroed : List.<ai.djl.nn.Block>of(model.refiner(1), model.captionRefiner(0))) {
        for (var pair : zeroed.getParameters()) {
          NDArray array = pair.getValue().getArray();
          array.set(scope.randomNormal(array.getShape()).toFloatArray());
        }
      }
    }
  }

  @AfterAll
  static void close() {
    model.close();
  }

  static List<Block> blocks(WaltModel m) {
    List<Block> blocks = new ArrayList<>();
    blocks.add(m.vae());
    if (m.textEncoder() != null) {
      blocks.add(m.textEncoder());
    }
    blocks.addAll(m.stages());
    for (int k = 0; k < m.stages().size(); k++) {
      if (m.refiner(k) != null) {
        blocks.add(m.refiner(k));
      }
      if (m.guide(k) != null) {
        blocks.add(m.guide(k));
      }
      if (m.captionRefiner(k) != null) {
        blocks.add(m.captionRefiner(k));
      }
    }
    return blocks;
  }

  @Test
  void fp32SaveLoadIsBitExact() throws Exception {
    model.save(dir, DataType.FLOAT32);
    assertThat(dir.resolve("config.json")).exists();
    assertThat(dir.resolve("vocab.txt")).exists();
    assertThat(dir.resolve("domain.json")).exists();
    try (WaltModel loaded = WaltModel.load(dir)) {
      assertThat(loaded.config()).isEqualTo(model.config());
      assertThat(loaded.domainJson()).isEqualTo(model.domainJson());
      assertThat(loaded.textEncoder().tokenizer().vocabulary()).isEqualTo(model.textEncoder().tokenizer().vocabulary());
      assertThat(loaded.parameterCount()).isEqualTo(model.parameterCount());
      List<Block> a = blocks(model);
      List<Block> b = blocks(loaded);
      for (int i = 0; i < a.size(); i++) {
        Map<String, Parameter> pa = ParameterNames.of(a.get(i));
        Map<String, Parameter> pb = ParameterNames.of(b.get(i));
        assertThat(pb.keySet()).isEqualTo(pa.keySet());
        for (String name : pa.keySet()) {
          assertThat(pb.get(name).getArray().toFloatArray()).as(name).isEqualTo(pa.get(name).getArray().toFloatArray());
        }
      }
    }
  }

  @Test
  void fp16SaveLoadIsWithinHalfPrecision() throws Exception {
    model.save(dir, DataType.FLOAT16);
    long fp32Bytes = 0;
    try (WaltModel loaded = WaltModel.load(dir)) {
      List<Block> a = blocks(model);
      List<Block> b = blocks(loaded);
      for (int i = 0; i < a.size(); i++) {
        Map<String, Parameter> pa = ParameterNames.of(a.get(i));
        Map<String, Parameter> pb = ParameterNames.of(b.get(i));
        for (String name : pa.keySet()) {
          float[] x = pa.get(name).getArray().toFloatArray();
          float[] y = pb.get(name).getArray().toFloatArray();
          assertThat(pb.get(name).getArray().getDataType()).isEqualTo(DataType.FLOAT32);
          fp32Bytes += 4L * x.length;
          for (int j = 0; j < x.length; j++) {
            // fp16 has an 11-bit significand: relative error <= 2^-11, plus subnormals near zero
            assertThat(Math.abs(y[j] - x[j])).as(name).isLessThanOrEqualTo(Math.abs(x[j]) / 2048 + 6e-8f);
          }
        }
      }
    }
    long onDisk = 0;
    for (String file : WaltModel.files(model.config())) {
      if (file.endsWith(".safetensors")) {
        onDisk += Files.size(dir.resolve(file));
      }
    }
    assertThat(onDisk).isLessThan(fp32Bytes / 2 + 200_000); // two bytes per value plus headers
  }

  @Test
  void aMissingWeightFileIsNamed() throws Exception {
    model.save(dir, DataType.FLOAT16);
    Files.delete(dir.resolve("sr1.safetensors"));
    assertThatThrownBy(() -> WaltModel.load(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageStartingWith("checkpoint sr1.safetensors: file not found in " + dir.toAbsolutePath());
  }

  @Test
  void eachPartBesideAStageHasItsOwnWeightFileAndAMissingOneIsNamed() throws Exception {
    assertThat(WaltModel.files(model.config()))
        .contains("sr1.safetensors", "sr1-refiner.safetensors", "base.safetensors", "base-guide.safetensors",
            "base-caption-refiner.safetensors")
        .doesNotContain("base-refiner.safetensors", "sr1-guide.safetensors", "sr1-caption-refiner.safetensors");
    assertThat(model.guide(0).scale()).isEqualTo(1.5);
    assertThat(model.guide(1)).isNull();
    assertThat(model.captionRefiner(1)).isNull();
    for (String part : List.of("sr1-refiner.safetensors", "base-guide.safetensors",
        "base-caption-refiner.safetensors")) {
      model.save(dir, DataType.FLOAT16);
      Files.delete(dir.resolve(part));
      assertThatThrownBy(() -> WaltModel.load(dir))
          .isInstanceOf(CheckpointException.class)
          .hasMessageStartingWith("checkpoint " + part + ": file not found in " + dir.toAbsolutePath());
    }
  }

  @Test
  void aMissingTensorIsNamed() throws Exception {
    model.save(dir, DataType.FLOAT32);
    Path file = dir.resolve("base.safetensors");
    List<String> names = new ArrayList<>(ParameterNames.of(model.stages().get(0)).keySet());
    String removed = names.get(names.size() - 1);
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDList tensors;
      try (InputStream in = Files.newInputStream(file)) {
        tensors = NDList.decode(manager, in);
      }
      NDList kept = new NDList();
      for (NDArray tensor : tensors) {
        if (!tensor.getName().equals(removed)) {
          kept.add(tensor);
        }
      }
      assertThat(kept.size()).isEqualTo(tensors.size() - 1);
      try (OutputStream out = Files.newOutputStream(file)) {
        kept.encode(out, NDList.Encoding.SAFETENSORS);
      }
    }
    assertThatThrownBy(() -> WaltModel.load(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessage("checkpoint base.safetensors: missing tensor '" + removed + "'");
    assertThat(removed).startsWith("finalLayer.");
  }

  @Test
  void theBundledModelIsTrainedAndReconstructsTheWorld() throws Exception {
    try (WaltModel bundled = WaltModel.loadBundled()) {
      assertThat(bundled.config().name()).isEqualTo("walt-tiny");
      assertThat(bundled.stages()).hasSize(2);
      assertThat(bundled.textEncoder()).isNotNull();
      // trained: the latent statistics were measured (an untrained VAE has mean 0, std 1)
      for (float std : bundled.vae().latentStd()) {
        assertThat(std).isGreaterThan(1.2f);
      }
      // a held-out clip through the autoencoder at the base size: release 6's decoder gives 30.6 dB on average
      // on the evaluator's held-out clips at 64 px (release 1's 27.2)
      dev.walt.world.Example example = new dev.walt.world.WorldSampler(1).video(dev.walt.world.Split.HELD_OUT, 20_000);
      List<java.awt.image.BufferedImage> frames =
          dev.walt.world.Frames.downsample(dev.walt.world.SceneRenderer.render(example.scene(), 256), 64);
      dev.walt.video.Clip clip = new dev.walt.video.Clip(frames, 8);
      dev.walt.video.Clip back = new dev.walt.model.pipeline.WaltPipeline(bundled).reconstruct(clip);
      assertThat(dev.walt.eval.Psnr.of(frames, back.frames())).isGreaterThan(26.0);
    }
  }
}
