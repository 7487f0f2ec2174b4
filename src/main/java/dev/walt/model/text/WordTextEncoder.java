package dev.walt.model.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import dev.walt.model.nn.LayerNorm;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The small text encoder of walt-tiny: word embeddings plus learned positions, a few pre-norm
 * self-attention layers that ignore padding, a final layer norm; padded positions of the output are
 * zero. A learned null sequence {@code nullEmbedding} (K, Dt) stands for "no prompt" in
 * classifier-free guidance.
 *
 * <p>Children/parameters: {@code tokenEmbedding} (V, Dt), {@code positions} (K, Dt),
 * {@code nullEmbedding} (K, Dt), {@code finalGamma}/{@code finalBeta} (Dt), {@code layer0..}.
 */
public final class WordTextEncoder extends AbstractBlock implements TextEncoder {

  /**
   * Standard deviation of the initial word embeddings (PyTorch's {@code nn.Embedding} default): every word,
   * including those whose use the denoiser learns late (the direction words), starts as a distinct vector of
   * the same size as the layers' outputs instead of being drowned by them.
   */
  static final float TOKEN_INIT_STD = 1.0f;

  private final WordTokenizer tokenizer;
  private final WordTextEncoderConfig config;
  private final Parameter tokenEmbedding;
  private final Parameter positions;
  private final Parameter nullEmbedding;
  private final Parameter finalGamma;
  private final Parameter finalBeta;
  private final List<TextEncoderLayer> layers;

  /** An uninitialised encoder; see {@link #create}. */
  public WordTextEncoder(WordTokenizer tokenizer, WordTextEncoderConfig config) {
    this.tokenizer = tokenizer;
    this.config = config;
    int d = config.dim();
    int k = tokenizer.maxLength();
    this.tokenEmbedding = addParameter(table("tokenEmbedding", tokenizer.vocabularySize(), d, TOKEN_INIT_STD));
    this.positions = addParameter(table("positions", k, d, 0.02f));
    this.nullEmbedding = addParameter(table("nullEmbedding", k, d, 0.02f));
    this.finalGamma =
        addParameter(Parameter.builder().setName("finalGamma").setType(Parameter.Type.GAMMA)
            .optShape(new Shape(d)).optInitializer(Initializer.ONES).build());
    this.finalBeta =
        addParameter(Parameter.builder().setName("finalBeta").setType(Parameter.Type.BETA)
            .optShape(new Shape(d)).optInitializer(Initializer.ZEROS).build());
    List<TextEncoderLayer> list = new ArrayList<>();
    for (int i = 0; i < config.depth(); i++) {
      list.add(addChildBlock("layer" + i, new TextEncoderLayer(config)));
    }
    this.layers = Collections.unmodifiableList(list);
  }

  private static Parameter table(String name, long rows, long dim, float std) {
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.WEIGHT)
        .optShape(new Shape(rows, dim))
        .optInitializer(new NormalInitializer(std))
        .build();
  }

  /** An encoder with fresh fp32 weights from a seeded engine generator. */
  public static WordTextEncoder create(WordTokenizer tokenizer, WordTextEncoderConfig config, NDManager manager, int seed) {
    manager.getEngine().setRandomSeed(seed);
    WordTextEncoder encoder = new WordTextEncoder(tokenizer, config);
    encoder.initialize(manager, DataType.FLOAT32);
    return encoder;
  }

  @Override
  public TextEmbedding encode(List<String> prompts, NDManager manager) {
    WordTokenizer.Batch batch = tokenizer.encode(prompts);
    Shape shape = new Shape(batch.batch(), batch.length());
    NDArray ids = manager.create(batch.ids(), shape);
    NDArray mask = manager.create(batch.mask(), shape);
    return new TextEmbedding(forward(new ParameterStore(manager, false), ids, mask, false), mask);
  }

  /**
   * @param ids token ids (B, K) int64
   * @param mask (B, K) float32, 1 real / 0 padding
   * @return tokens (B, K, Dt), zero at padded positions
   */
  public NDArray forward(ParameterStore store, NDArray ids, NDArray mask, boolean training) {
    NDManager manager = ids.getManager();
    long b = ids.getShape().get(0);
    long k = ids.getShape().get(1);
    NDArray table = store.getValue(tokenEmbedding, ids.getDevice(), training);
    NDArray x =
        ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow(); // (B, K, Dt)
    x = x.add(store.getValue(positions, ids.getDevice(), training));
    // A query may attend to real keys and always to itself (an empty prompt then stays finite).
    NDArray allowed =
        mask.reshape(b, 1, 1, k).broadcast(b, 1, k, k).maximum(manager.eye((int) k).reshape(1, 1, k, k)); // (B, 1, K, K)
    NDArray bias =
        NDArrays.where(allowed.gt(0), manager.zeros(allowed.getShape()),
            manager.full(allowed.getShape(), Float.NEGATIVE_INFINITY));
    for (TextEncoderLayer layer : layers) {
      x = layer.forward(store, x, bias, training);
    }
    x =
        LayerNorm.affine(
            x, store.getValue(finalGamma, x.getDevice(), training), store.getValue(finalBeta, x.getDevice(), training), 1e-5f);
    return x.mul(mask.reshape(b, k, 1)).add(0f); // + 0 turns the -0.0 of negative * 0 into 0.0
  }

  @Override
  public TextEmbedding nullEmbedding(int batch, NDManager manager) {
    NDArray sequence = nullEmbedding.getArray(); // (K, Dt)
    NDArray tokens = manager.zeros(new Shape(batch, sequence.getShape().get(0), sequence.getShape().get(1))).add(sequence);
    return new TextEmbedding(tokens, manager.ones(new Shape(batch, sequence.getShape().get(0))));
  }

  @Override
  public int dim() {
    return config.dim();
  }

  public WordTokenizer tokenizer() {
    return tokenizer;
  }

  public WordTextEncoderConfig config() {
    return config;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
    return new NDList(forward(store, inputs.get(0), inputs.get(1), training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0].add(config.dim())};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    for (var child : getChildren().values()) {
      child.initialize(manager, dataType, inputShapes);
    }
  }
}
