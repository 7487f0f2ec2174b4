package dev.walt.model.checkpoint;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and writes checkpoint folders: {@code config.json} (any record, by Jackson) and {@code
 * .safetensors} weight files (DJL's {@link NDList.Encoding#SAFETENSORS} codec; tensor names from
 * {@link ParameterNames}).
 *
 * <p>Weights are fp32 or fp16 on disk. Loading decodes on the CPU, widens fp16 to fp32 there, and
 * copies every tensor into the block's existing parameter array (keeping its device). A tensor that is
 * missing, extra, mis-shaped or of another type fails the load with a message naming it and the file;
 * nothing is partially applied in that case. Files are written to a temporary name and moved into
 * place, so a crash never leaves a half-written checkpoint under the real name.
 */
public final class Checkpoints {

  /** The config file of a checkpoint folder. */
  public static final String CONFIG_FILE = "config.json";

  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
          .build();

  private Checkpoints() {}

  /** The strict mapper used for configs: unknown, missing or null-for-primitive fields fail. */
  public static JsonMapper json() {
    return JSON;
  }

  /** Writes {@code config} (a record) as {@code dir/config.json}, creating {@code dir}. */
  public static void writeConfig(Path dir, Object config) throws IOException {
    Files.createDirectories(dir);
    Path target = dir.resolve(CONFIG_FILE);
    Path temporary = dir.resolve(CONFIG_FILE + ".tmp");
    try (OutputStream out = Files.newOutputStream(temporary)) {
      JSON.writerWithDefaultPrettyPrinter().writeValue(out, config);
    } catch (JacksonException e) {
      throw new CheckpointException(CONFIG_FILE, "cannot write config: " + e.getOriginalMessage(), e);
    }
    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Reads {@code dir/config.json} as {@code type}. */
  public static <T> T readConfig(Path dir, Class<T> type) throws IOException {
    Path file = dir.resolve(CONFIG_FILE);
    if (!Files.isRegularFile(file)) {
      throw new CheckpointException(CONFIG_FILE, "file not found in " + dir.toAbsolutePath());
    }
    try (InputStream in = Files.newInputStream(file)) {
      return JSON.readValue(in, type);
    } catch (JacksonException e) {
      throw new CheckpointException(CONFIG_FILE, "invalid config: " + e.getOriginalMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(CONFIG_FILE, "invalid config: " + e.getMessage(), e);
    }
  }

  /**
   * Writes every parameter of {@code block} to {@code file}.
   *
   * @param onDisk {@link DataType#FLOAT32} or {@link DataType#FLOAT16}
   */
  public static void writeWeights(Path file, Block block, DataType onDisk) throws IOException {
    if (onDisk != DataType.FLOAT32 && onDisk != DataType.FLOAT16) {
      throw new IllegalArgumentException("weights are stored as float32 or float16, not " + onDisk);
    }
    Map<String, Parameter> parameters = ParameterNames.of(block);
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    try (NDManager cpu = NDManager.newBaseManager(Device.cpu())) {
      NDList tensors = new NDList(parameters.size());
      for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
        Parameter parameter = entry.getValue();
        if (!parameter.isInitialized()) {
          throw new IllegalStateException("parameter '" + entry.getKey() + "' is not initialized");
        }
        NDArray array = parameter.getArray();
        NDArray copy = array.toDevice(Device.cpu(), true);
        copy.attach(cpu);
        NDArray stored = copy.getDataType() == onDisk ? copy : copy.toType(onDisk, false);
        stored.setName(entry.getKey());
        tensors.add(stored);
      }
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temporary))) {
        tensors.encode(out, NDList.Encoding.SAFETENSORS);
      }
    }
    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Loads {@code file} into the (initialized) parameters of {@code block}.
   *
   * @throws CheckpointException when the file is corrupted or does not match the block
   */
  public static void readWeights(Path file, Block block) throws IOException {
    String name = file.getFileName().toString();
    Map<String, Parameter> parameters = ParameterNames.of(block);
    try (NDManager cpu = NDManager.newBaseManager(Device.cpu())) {
      if (!Files.isRegularFile(file)) {
        throw new CheckpointException(name, "file not found in " + file.toAbsolutePath().getParent());
      }
      NDList decoded;
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
        decoded = NDList.decode(cpu, in);
      } catch (RuntimeException | IOException e) {
        throw new CheckpointException(name, "corrupted or not a safetensors file (" + e.getMessage() + ")", e);
      }
      Map<String, NDArray> tensors = new LinkedHashMap<>();
      for (NDArray tensor : decoded) {
        String tensorName = tensor.getName();
        if (tensorName == null || tensors.put(tensorName, tensor) != null) {
          throw new CheckpointException(name, "unnamed or duplicate tensor '" + tensorName + "'");
        }
      }
      for (String tensorName : tensors.keySet()) {
        if (!parameters.containsKey(tensorName)) {
          throw new CheckpointException(name, "unexpected tensor '" + tensorName + "'");
        }
      }
      Map<Parameter, NDArray> values = new LinkedHashMap<>();
      for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
        String key = entry.getKey();
        NDArray tensor = tensors.get(key);
        if (tensor == null) {
          throw new CheckpointException(name, "missing tensor '" + key + "'");
        }
        NDArray target = entry.getValue().getArray();
        Shape expected = target.getShape();
        if (!tensor.getShape().equals(expected)) {
          throw new CheckpointException(
              name, "tensor '" + key + "' has shape " + tensor.getShape() + ", the model expects " + expected);
        }
        DataType type = tensor.getDataType();
        if (type != DataType.FLOAT32 && type != DataType.FLOAT16) {
          throw new CheckpointException(name, "tensor '" + key + "' is " + type + ", not float32 or float16");
        }
        if (target.getDataType() != DataType.FLOAT32 && target.getDataType() != DataType.FLOAT16) {
          throw new IllegalStateException("parameter '" + key + "' is " + target.getDataType());
        }
        values.put(entry.getValue(), type == target.getDataType() ? tensor : tensor.toType(target.getDataType(), false));
      }
      // everything matched: copy into the model's arrays (on their devices)
      for (Map.Entry<Parameter, NDArray> entry : values.entrySet()) {
        entry.getKey().getArray().set(entry.getValue().toByteBuffer());
      }
    }
  }
}
