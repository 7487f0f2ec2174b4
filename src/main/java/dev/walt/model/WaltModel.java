package dev.walt.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.walt.model.checkpoint.CheckpointException;
import dev.walt.model.checkpoint.Checkpoints;
import dev.walt.model.diffusion.GaussianNoise;
import dev.walt.model.text.WordTextEncoder;
import dev.walt.model.text.WordTokenizer;
import dev.walt.model.transformer.WaltTransformer;
import dev.walt.model.vae.CausalVae;
import dev.walt.model.guide.CaptionGuide;
import dev.walt.model.guide.CaptionRefiner;
import dev.walt.model.vae.InputRefiner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A W.A.L.T model in memory: its {@link WaltConfig} and its DJL blocks (autoencoder, text encoder, one
 * transformer per stage) with their parameters on one device.
 *
 * <p><b>The model folder</b> (what {@link #save} writes, {@link #load} reads, the trainer produces and
 * the application bundles under {@code models/walt-tiny/}):
 *
 * <pre>
 *   config.json              WaltConfig (Jackson, strict: unknown or missing fields fail)
 *   vae.safetensors          the autoencoder shared by every stage, incl. latent_mean / latent_std
 *   text.safetensors         the text encoder (only when a stage takes text)
 *   &lt;stage&gt;.safetensors     one per stage, named after StageConfig.name: base, sr1, sr2
 *   &lt;stage&gt;-refiner.safetensors  a super-resolution stage's refiner, when its config has one
 *   &lt;stage&gt;-guide.safetensors    the first stage's caption guide, when its config has one
 *   &lt;stage&gt;-caption-refiner.safetensors  the first stage's caption refiner, when its config has one
 *   vocab.txt                the word tokenizer's vocabulary, one token per line; [PAD] and [UNK]
 *                            first (added in front when the file lacks them)
 *   domain.json              the synthetic world's description (optional; walt-tiny has it)
 * </pre>
 *
 * Weights are fp32 or fp16 (tensor names: {@link dev.walt.model.checkpoint.ParameterNames}); fp16 is
 * widened to fp32 on the CPU while loading. A missing file or a missing, extra or mis-shaped tensor fails
 * the load with a {@link CheckpointException} naming it.
 *
 * <p>Owns an {@link NDManager} on its device; {@link #close()} frees every parameter. Not thread-safe:
 * one model serves one thread at a time (a worker per device loads its own).
 */
public final class WaltModel implements AutoCloseable {

  public static final String CONFIG_FILE = Checkpoints.CONFIG_FILE;
  public static final String VAE_FILE = "vae.safetensors";
  public static final String TEXT_FILE = "text.safetensors";
  public static final String VOCAB_FILE = "vocab.txt";
  public static final String DOMAIN_FILE = "domain.json";
  /** Classpath folder of the bundled default model. */
  public static final String BUNDLED = "models/walt-tiny/";

  private final WaltConfig config;
  private final NDManager manager;
  private final CausalVae vae;
  private final @Nullable WordTextEncoder text;
  private final List<WaltTransformer> stages;
  private final List<@Nullable InputRefiner> refiners;
  private final List<@Nullable CaptionGuide> guides;
  private final List<@Nullable CaptionRefiner> captionRefiners;
  private final @Nullable String domainJson;

  private WaltModel(
      WaltConfig config, NDManager manager, CausalVae vae, @Nullable WordTextEncoder text,
      List<WaltTransformer> stages, List<@Nullable InputRefiner> refiners, List<@Nullable CaptionGuide> guides,
      List<@Nullable CaptionRefiner> captionRefiners, @Nullable String domainJson) {
    this.config = config;
    this.manager = manager;
    this.vae = vae;
    this.text = text;
    this.stages = Collections.unmodifiableList(new ArrayList<>(stages));
    this.refiners = Collections.unmodifiableList(new ArrayList<>(refiners));
    this.guides = Collections.unmodifiableList(new ArrayList<>(guides));
    this.captionRefiners = Collections.unmodifiableList(new ArrayList<>(captionRefiners));
    this.domainJson = domainJson;
  }

  // ---------------------------------------------------------------------------------------------
  // Creating

  /**
   * A model with fresh weights as training starts from them (the transformers' adaLN-Zero gates and
   * outputs are zero, so they predict v = 0). The engine's generator is seeded from {@code seed}, so
   * the same seed gives bit-identical weights. The text encoder uses the bundled world vocabulary.
   */
  public static WaltModel randomInit(WaltConfig config, long seed) {
    return randomInit(config, seed, Device.cpu());
  }

  /** {@link #randomInit(WaltConfig, long)} on {@code device}. */
  public static WaltModel randomInit(WaltConfig config, long seed, Device device) {
    WordTokenizer tokenizer = config.text() == null ? null : bundledTokenizer(config.text().maxTokens());
    NDManager manager = NDManager.newBaseManager(device);
    try {
      return build(config, manager, tokenizer, bundledDomain(), (int) seed);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * A model whose every transformer weight (gates and outputs included) is drawn from N(0, 0.02) with
   * {@link GaussianNoise} seeded by {@code seed}: a network that computes something non-trivial, for
   * benchmarks and tests. Autoencoder and text encoder as in {@link #randomInit(WaltConfig, long)}.
   */
  public static WaltModel randomWeights(WaltConfig config, long seed, Device device) {
    WaltModel model = randomInit(config, seed, device);
    GaussianNoise noise = new GaussianNoise(seed);
    for (WaltTransformer stage : model.stages) {
      for (var pair : stage.getParameters()) {
        NDArray array = pair.getValue().getArray();
        try (NDManager scope = model.manager.newSubManager()) {
          array.set(noise.next(scope, array.getShape()).mul(0.02f).toByteBuffer());
        }
      }
    }
    return model;
  }

  private static WaltModel build(
      WaltConfig config, NDManager manager, @Nullable WordTokenizer tokenizer, @Nullable String domainJson,
      int seed) {
    Engine engine = manager.getEngine();
    engine.setRandomSeed(seed);
    CausalVae vae = new CausalVae(config.vae());
    vae.initialize(manager);
    WordTextEncoder text = null;
    if (config.text() != null) {
      if (tokenizer == null) {
        throw new IllegalArgumentException("a model with a text encoder needs a vocabulary");
      }
      text = WordTextEncoder.create(tokenizer, config.text().word(), manager, seed + 1);
    }
    List<WaltTransformer> stages = new ArrayList<>();
    for (int k = 0; k < config.stages().size(); k++) {
      stages.add(WaltTransformer.create(config.stages().get(k).transformer(), manager, seed + 2 + k));
    }
    List<@Nullable InputRefiner> refiners = new ArrayList<>();
    for (StageConfig stage : config.stages()) {
      InputRefiner refiner = null;
      if (stage.refiner() != null) {
        refiner = new InputRefiner(stage.refiner(), stage.transformer().superResolutionFactor());
        refiner.initialize(manager);
        refiner.zeroOutput();
      }
      refiners.add(refiner);
    }
    List<@Nullable CaptionGuide> guides = new ArrayList<>();
    for (StageConfig stage : config.stages()) {
      CaptionGuide guide = null;
      if (stage.guide() != null) {
        guide = new CaptionGuide(stage.guide(), config.vae().latentChannels(), stage.transformer().textDim());
        guide.initialize(manager);
      }
      guides.add(guide);
    }
    List<@Nullable CaptionRefiner> captionRefiners = new ArrayList<>(); // after the guides: their seeds stay
    for (StageConfig stage : config.stages()) {
      CaptionRefiner refiner = null;
      if (stage.captionRefiner() != null) {
        refiner = new CaptionRefiner(stage.captionRefiner(), stage.transformer().textDim());
        refiner.initialize(manager);
        refiner.zeroOutput();
      }
      captionRefiners.add(refiner);
    }
    return new WaltModel(config, manager, vae, text, stages, refiners, guides, captionRefiners, domainJson);
  }

  // ---------------------------------------------------------------------------------------------
  // Loading

  /**
   * Loads a model from {@code location}: a folder on the file system, or {@code classpath:<folder>/}
   * (e.g. {@code classpath:models/walt-tiny/}); null loads the bundled walt-tiny.
   */
  public static WaltModel load(@Nullable String location, Device device) throws IOException {
    if (location == null) {
      return loadResource(BUNDLED, device);
    }
    if (location.startsWith("classpath:")) {
      return loadResource(location.substring("classpath:".length()), device);
    }
    return load(Path.of(location), device);
  }

  /** Loads the bundled walt-tiny ({@value #BUNDLED} on the classpath) on the CPU. */
  public static WaltModel loadBundled() throws IOException {
    return loadResource(BUNDLED, Device.cpu());
  }

  /** Loads a model folder on the CPU. */
  public static WaltModel load(Path dir) throws IOException {
    return load(dir, Device.cpu());
  }

  /**
   * Loads a model folder onto {@code device}.
   *
   * @throws CheckpointException naming the missing or mismatched file or tensor
   */
  public static WaltModel load(Path dir, Device device) throws IOException {
    return load(dir, device, dir.toAbsolutePath().toString());
  }

  /**
   * Loads a model folder from the classpath (inside the jar); its files are copied to a temporary folder
   * first, then read like {@link #load(Path, Device)}.
   */
  public static WaltModel loadResource(String folder, Device device) throws IOException {
    String prefix = folder.endsWith("/") ? folder : folder + "/";
    if (prefix.startsWith("/")) {
      prefix = prefix.substring(1);
    }
    String where = "classpath:" + prefix;
    Path temporary = Files.createTempDirectory("walt-model");
    try {
      if (!copyResource(prefix + CONFIG_FILE, temporary.resolve(CONFIG_FILE))) {
        throw new CheckpointException(CONFIG_FILE, "file not found in " + where);
      }
      WaltConfig config = Checkpoints.readConfig(temporary, WaltConfig.class);
      for (String file : files(config)) {
        copyResource(prefix + file, temporary.resolve(file));
      }
      copyResource(prefix + DOMAIN_FILE, temporary.resolve(DOMAIN_FILE));
      return load(temporary, device, where);
    } finally {
      deleteRecursively(temporary);
    }
  }

  private static WaltModel load(Path dir, Device device, String where) throws IOException {
    WaltConfig config;
    try {
      config = Checkpoints.readConfig(dir, WaltConfig.class);
    } catch (CheckpointException e) {
      throw new CheckpointException(CONFIG_FILE, e.getMessage().replaceFirst("^checkpoint config\\.json: ", "")
          .replace(dir.toAbsolutePath().toString(), where), e);
    }
    List<String> missing = new ArrayList<>();
    for (String file : files(config)) {
      if (!Files.isRegularFile(dir.resolve(file))) {
        missing.add(file);
      }
    }
    if (!missing.isEmpty()) {
      throw new CheckpointException(
          missing.get(0),
          "file not found in " + where + (missing.size() > 1 ? " (missing: " + String.join(", ", missing) + ")" : "")
              + "; model '" + config.name() + "' has no complete set of weights there"
              + (missing.contains(VAE_FILE) ? " (not trained yet? the trainer writes them with WaltModel.save)" : ""));
    }
    WordTokenizer tokenizer =
        config.text() == null
            ? null
            : tokenizer(Files.readString(dir.resolve(VOCAB_FILE), StandardCharsets.UTF_8), config.text().maxTokens());
    Path domainFile = dir.resolve(DOMAIN_FILE);
    String domain = Files.isRegularFile(domainFile) ? Files.readString(domainFile, StandardCharsets.UTF_8) : null;
    NDManager manager = NDManager.newBaseManager(device);
    try {
      WaltModel model = build(config, manager, tokenizer, domain, 0);
      Checkpoints.readWeights(dir.resolve(VAE_FILE), model.vae);
      if (model.text != null) {
        Checkpoints.readWeights(dir.resolve(TEXT_FILE), model.text);
      }
      for (int k = 0; k < config.stages().size(); k++) {
        Checkpoints.readWeights(dir.resolve(config.stages().get(k).weightsFile()), model.stages.get(k));
        for (var part : model.parts(k).entrySet()) {
          Checkpoints.readWeights(dir.resolve(part.getKey()), part.getValue());
        }
      }
      return model;
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** The files a folder of {@code config} must hold besides config.json (domain.json is optional). */
  public static List<String> files(WaltConfig config) {
    List<String> files = new ArrayList<>();
    files.add(VAE_FILE);
    if (config.text() != null) {
      files.add(TEXT_FILE);
      files.add(VOCAB_FILE);
    }
    for (StageConfig stage : config.stages()) {
      files.add(stage.weightsFile());
      files.addAll(stage.partWeightFiles());
    }
    return files;
  }

  // ---------------------------------------------------------------------------------------------
  // Saving

  /**
   * Writes this model as a folder (see the class comment), creating {@code dir}. Each file is written
   * under a temporary name and moved into place.
   *
   * @param weights {@link DataType#FLOAT32} or {@link DataType#FLOAT16}
   */
  public void save(Path dir, DataType weights) throws IOException {
    Files.createDirectories(dir);
    Checkpoints.writeConfig(dir, config);
    Checkpoints.writeWeights(dir.resolve(VAE_FILE), vae, weights);
    if (text != null) {
      Checkpoints.writeWeights(dir.resolve(TEXT_FILE), text, weights);
      text.tokenizer().save(dir.resolve(VOCAB_FILE));
    }
    for (int k = 0; k < stages.size(); k++) {
      Checkpoints.writeWeights(dir.resolve(config.stages().get(k).weightsFile()), stages.get(k), weights);
      for (var part : parts(k).entrySet()) {
        Checkpoints.writeWeights(dir.resolve(part.getKey()), part.getValue(), weights);
      }
    }
    if (domainJson != null) {
      Files.writeString(dir.resolve(DOMAIN_FILE), domainJson, StandardCharsets.UTF_8);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Access

  public WaltConfig config() {
    return config;
  }

  /** The autoencoder shared by every stage. */
  public CausalVae vae() {
    return vae;
  }

  /** The text encoder, or null when no stage takes text. */
  public @Nullable WordTextEncoder textEncoder() {
    return text;
  }

  /** The transformers, in stage order. */
  public List<WaltTransformer> stages() {
    return stages;
  }

  /**
   * Stage {@code k}'s parts besides its transformer (refiner, guide, caption refiner, those it has), each under its
   * weight file's name, in {@link StageConfig#partWeightFiles()} order.
   */
  private Map<String, Block> parts(int k) {
    StageConfig stage = config.stages().get(k);
    Map<String, Block> parts = new LinkedHashMap<>();
    if (refiners.get(k) != null) {
      parts.put(stage.refinerWeightsFile(), refiners.get(k));
    }
    if (guides.get(k) != null) {
      parts.put(stage.guideWeightsFile(), guides.get(k));
    }
    if (captionRefiners.get(k) != null) {
      parts.put(stage.captionRefinerWeightsFile(), captionRefiners.get(k));
    }
    return parts;
  }

  /** The refiner of stage {@code k}, or null when the stage has none. */
  public @Nullable InputRefiner refiner(int k) {
    return refiners.get(k);
  }

  /** The caption guide of stage {@code k}, or null when the stage has none. */
  public @Nullable CaptionGuide guide(int k) {
    return guides.get(k);
  }

  /** The caption refiner of stage {@code k}, or null when the stage has none. */
  public @Nullable CaptionRefiner captionRefiner(int k) {
    return captionRefiners.get(k);
  }

  /** The transformer of the stage named {@code name}. */
  public WaltTransformer stage(String name) {
    for (int k = 0; k < stages.size(); k++) {
      if (config.stages().get(k).name().equals(name)) {
        return stages.get(k);
      }
    }
    throw new IllegalArgumentException("no stage '" + name + "' in " + config.name());
  }

  /** The contents of domain.json, or null when the folder had none. */
  public @Nullable String domainJson() {
    return domainJson;
  }

  /** The manager owning the parameters (its device is the model's). */
  public NDManager manager() {
    return manager;
  }

  public Device device() {
    return manager.getDevice();
  }

  /** Scalar parameters of a block. */
  public static long parameterCount(@Nullable Block block) {
    if (block == null) {
      return 0;
    }
    long total = 0;
    for (var pair : block.getParameters()) {
      Parameter p = pair.getValue();
      total += p.getArray().getShape().size();
    }
    return total;
  }

  /** Scalar parameters of the whole model. */
  public long parameterCount() {
    long total = parameterCount(vae) + (text == null ? 0 : parameterCount(text));
    for (int k = 0; k < stages.size(); k++) {
      total += stages.get(k).parameterCount();
      for (Block part : parts(k).values()) {
        total += parameterCount(part);
      }
    }
    return total;
  }

  @Override
  public void close() {
    manager.close();
  }

  // ---------------------------------------------------------------------------------------------

  private static WordTokenizer bundledTokenizer(int maxTokens) {
    String vocabulary = resourceText(BUNDLED + VOCAB_FILE);
    if (vocabulary == null) {
      throw new IllegalStateException("the bundled vocabulary " + BUNDLED + VOCAB_FILE + " is missing");
    }
    return tokenizer(vocabulary, maxTokens);
  }

  /**
   * The tokenizer of a {@code vocab.txt}: one token per line; when the file does not list {@value
   * WordTokenizer#PAD} and {@value WordTokenizer#UNK} (the world's word list does not), they take ids 0
   * and 1 and the words follow, which is also the order {@link #save} writes.
   */
  static WordTokenizer tokenizer(String vocabulary, int maxTokens) {
    List<String> lines = new ArrayList<>(List.of(vocabulary.split("\r?\n", -1)));
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    return lines.contains(WordTokenizer.PAD) && lines.contains(WordTokenizer.UNK)
        ? new WordTokenizer(lines, maxTokens)
        : WordTokenizer.of(lines, maxTokens);
  }

  private static @Nullable String bundledDomain() {
    return resourceText(BUNDLED + DOMAIN_FILE);
  }

  private static @Nullable String resourceText(String name) {
    try (InputStream in = WaltModel.class.getClassLoader().getResourceAsStream(name)) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean copyResource(String name, Path target) throws IOException {
    try (InputStream in = WaltModel.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        return false;
      }
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      return true;
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
