package dev.walt.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import dev.walt.model.vae.CausalVae;
import dev.walt.model.vae.VaeConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {

  static final VaeConfig TINY = new VaeConfig(4, List.of(1, 2, 2), 4, 4, 4, 1, 2);

  @TempDir Path dir;
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private CausalVae vae(int seed) {
    Engine.getInstance().setRandomSeed(seed);
    CausalVae vae = new CausalVae(TINY);
    vae.initialize(manager);
    return vae;
  }

  @Test
  void namesFollowTheBlockHierarchy() {
    Map<String, Parameter> names = ParameterNames.of(vae(1));
    assertThat(names)
        .containsKeys(
            "encoder.conv_in.weight",
            "encoder.down.0.res.0.norm1.weight",
            "encoder.down.1.res.0.skip.bias",
            "encoder.down.0.downsample.weight",
            "decoder.up.2.upsample.conv.weight",
            "decoder.conv_out.weight",
            "latent_mean",
            "latent_std");
    assertThat(names.keySet()).noneMatch(n -> n.matches(".*\\b\\d{2}[a-z].*"));
    // siblings whose names would collide keep DJL's positional names
    SequentialBlock sequential = new SequentialBlock().add(Linear.builder().setUnits(2).build())
        .add(Linear.builder().setUnits(3).build());
    sequential.initialize(manager, DataType.FLOAT32, new Shape(1, 4));
    assertThat(ParameterNames.of(sequential).keySet())
        .containsExactly("01Linear.weight", "01Linear.bias", "02Linear.weight", "02Linear.bias");
  }

  @Test
  void fp32RoundTripIsBitExact() throws IOException {
    CausalVae saved = vae(1);
    saved.setLatentStatistics(new float[] {0.1f, -0.2f, 0.3f, 0.4f}, new float[] {1.5f, 2f, 0.5f, 1f});
    Path file = dir.resolve("vae.safetensors");
    Checkpoints.writeWeights(file, saved, DataType.FLOAT32);
    CausalVae loaded = vae(2);
    Map<String, Parameter> before = ParameterNames.of(loaded);
    assertThat(before.get("decoder.conv_out.weight").getArray()
            .contentEquals(ParameterNames.of(saved).get("decoder.conv_out.weight").getArray()))
        .isFalse();
    Checkpoints.readWeights(file, loaded);
    Map<String, Parameter> expected = ParameterNames.of(saved);
    Map<String, Parameter> actual = ParameterNames.of(loaded);
    for (String name : expected.keySet()) {
      float[] e = expected.get(name).getArray().toFloatArray();
      float[] a = actual.get(name).getArray().toFloatArray();
      assertThat(Arrays.equals(e, a)).as(name).isTrue();
    }
    NDArray video = manager.randomUniform(-1f, 1f, new Shape(1, 3, 5, 8, 8));
    assertThat(loaded.encode(video).toFloatArray()).containsExactly(saved.encode(video).toFloatArray());
    assertThat(Files.list(dir).map(p -> p.getFileName().toString())).containsExactly("vae.safetensors");
  }

  @Test
  void fp16RoundTripKeepsHalfPrecision() throws IOException {
    CausalVae saved = vae(1);
    Path file = dir.resolve("vae16.safetensors");
    Checkpoints.writeWeights(file, saved, DataType.FLOAT16);
    try (NDManager cpu = NDManager.newBaseManager()) {
      NDList onDisk = NDList.decode(cpu, Files.newInputStream(file));
      assertThat(onDisk).allMatch(a -> a.getDataType() == DataType.FLOAT16);
    }
    CausalVae loaded = vae(2);
    Checkpoints.readWeights(file, loaded);
    Map<String, Parameter> expected = ParameterNames.of(saved);
    Map<String, Parameter> actual = ParameterNames.of(loaded);
    for (String name : expected.keySet()) {
      assertThat(actual.get(name).getArray().getDataType()).isEqualTo(DataType.FLOAT32);
      float[] e = expected.get(name).getArray().toFloatArray();
      float[] a = actual.get(name).getArray().toFloatArray();
      for (int i = 0; i < e.length; i++) {
        // fp16 keeps 11 significant bits: relative error <= 2^-11 (normal range)
        assertThat(Math.abs(a[i] - e[i])).as(name).isLessThanOrEqualTo(Math.abs(e[i]) * 0x1p-11f + 1e-7f);
      }
    }
  }

  @Test
  void aMissingTensorFailsWithItsName() throws IOException {
    Path file = writeTensors("vae.safetensors", vae(1), "decoder.conv_out.weight", null, null);
    CausalVae target = vae(2);
    float[] before = ParameterNames.of(target).get("encoder.conv_in.weight").getArray().toFloatArray();
    assertThatThrownBy(() -> Checkpoints.readWeights(file, target))
        .isInstanceOf(CheckpointException.class)
        .hasMessage("checkpoint vae.safetensors: missing tensor 'decoder.conv_out.weight'");
    // nothing was applied
    assertThat(ParameterNames.of(target).get("encoder.conv_in.weight").getArray().toFloatArray()).containsExactly(before);
  }

  @Test
  void anExtraTensorFailsWithItsName() throws IOException {
    Path file = writeTensors("vae.safetensors", vae(1), null, "decoder.conv_extra.weight", null);
    assertThatThrownBy(() -> Checkpoints.readWeights(file, vae(2)))
        .isInstanceOf(CheckpointException.class)
        .hasMessage("checkpoint vae.safetensors: unexpected tensor 'decoder.conv_extra.weight'");
  }

  @Test
  void aMisshapedTensorFailsWithItsName() throws IOException {
    Path file = writeTensors("vae.safetensors", vae(1), null, null, "latent_std");
    assertThatThrownBy(() -> Checkpoints.readWeights(file, vae(2)))
        .isInstanceOf(CheckpointException.class)
        .hasMessage("checkpoint vae.safetensors: tensor 'latent_std' has shape (5), the model expects (4)");
  }

  @Test
  void aCorruptedFileFails() throws IOException {
    Path file = dir.resolve("vae.safetensors");
    Checkpoints.writeWeights(file, vae(1), DataType.FLOAT32);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> Checkpoints.readWeights(file, vae(2)))
        .isInstanceOf(CheckpointException.class)
        .hasMessageStartingWith("checkpoint vae.safetensors: corrupted or not a safetensors file");
    Files.write(file, "{not a checkpoint".getBytes());
    assertThatThrownBy(() -> Checkpoints.readWeights(file, vae(2)))
        .isInstanceOf(CheckpointException.class)
        .hasMessageStartingWith("checkpoint vae.safetensors: corrupted or not a safetensors file");
  }

  @Test
  void aMissingFileIsNamed() {
    assertThatThrownBy(() -> Checkpoints.readWeights(dir.resolve("sr1.safetensors"), vae(1)))
        .isInstanceOf(CheckpointException.class)
        .hasMessageStartingWith("checkpoint sr1.safetensors: file not found in ");
    assertThatThrownBy(() -> Checkpoints.readConfig(dir, VaeConfig.class))
        .isInstanceOf(CheckpointException.class)
        .hasMessageStartingWith("checkpoint config.json: file not found in ");
  }

  @Test
  void configRecordsRoundTrip() throws IOException {
    Checkpoints.writeConfig(dir, TINY);
    assertThat(Files.readString(dir.resolve("config.json"))).contains("\"channelMultipliers\"");
    assertThat(Checkpoints.readConfig(dir, VaeConfig.class)).isEqualTo(TINY);
    String json = Files.readString(dir.resolve("config.json"));
    Files.writeString(dir.resolve("config.json"), json.replace("\"groups\"", "\"grops\""));
    assertThatThrownBy(() -> Checkpoints.readConfig(dir, VaeConfig.class))
        .isInstanceOf(CheckpointException.class)
        .hasMessageStartingWith("checkpoint config.json: invalid config:")
        .hasMessageContaining("'groups'");
    Files.writeString(dir.resolve("config.json"), json.replace("{", "{ \"typo\" : 1,"));
    assertThatThrownBy(() -> Checkpoints.readConfig(dir, VaeConfig.class))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("typo");
    Files.writeString(dir.resolve("config.json"), json.replace("\"spatialFactor\" : 4", "\"spatialFactor\" : 3"));
    assertThatThrownBy(() -> Checkpoints.readConfig(dir, VaeConfig.class))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("spatialFactor 3 must be a power of two");
  }

  /** Writes the block's tensors, leaving one out, adding one, or growing one by an element. */
  private Path writeTensors(String fileName, CausalVae vae, String omit, String add, String grow) throws IOException {
    NDList list = new NDList();
    for (Map.Entry<String, Parameter> e : ParameterNames.of(vae).entrySet()) {
      if (e.getKey().equals(omit)) {
        continue;
      }
      NDArray copy = e.getValue().getArray().duplicate();
      if (e.getKey().equals(grow)) {
        copy = copy.concat(manager.ones(new Shape(1)));
      }
      copy.setName(e.getKey());
      list.add(copy);
    }
    if (add != null) {
      NDArray extra = manager.zeros(new Shape(2, 2));
      extra.setName(add);
      list.add(extra);
    }
    Path file = dir.resolve(fileName);
    try (OutputStream out = Files.newOutputStream(file)) {
      list.encode(out, NDList.Encoding.SAFETENSORS);
    }
    return file;
  }
}
