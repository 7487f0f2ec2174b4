package dev.walt.model.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import dev.walt.model.nn.LayerNorm;
import dev.walt.model.nn.Ops;
import dev.walt.model.transformer.Dense;
import org.jspecify.annotations.Nullable;

/**
 * One pre-norm transformer encoder layer (Vaswani et al., 2017; pre-norm as in Xiong et al., 2020):
 * {@code x += Attn(LN(x))}, {@code x += MLP(LN(x))}, attention masked by an additive key bias.
 */
final class TextEncoderLayer extends AbstractBlock {

  private final int dim;
  private final int heads;
  private final Parameter norm1Gamma;
  private final Parameter norm1Beta;
  private final Parameter norm2Gamma;
  private final Parameter norm2Beta;
  private final Dense qkv;
  private final Dense proj;
  private final Dense fc1;
  private final Dense fc2;

  TextEncoderLayer(WordTextEncoderConfig config) {
    this.dim = config.dim();
    this.heads = config.heads();
    this.norm1Gamma = addParameter(vector("norm1Gamma", Parameter.Type.GAMMA, Initializer.ONES));
    this.norm1Beta = addParameter(vector("norm1Beta", Parameter.Type.BETA, Initializer.ZEROS));
    this.norm2Gamma = addParameter(vector("norm2Gamma", Parameter.Type.GAMMA, Initializer.ONES));
    this.norm2Beta = addParameter(vector("norm2Beta", Parameter.Type.BETA, Initializer.ZEROS));
    this.qkv = addChildBlock("qkv", new Dense(dim, 3 * dim));
    this.proj = addChildBlock("proj", new Dense(dim, dim));
    this.fc1 = addChildBlock("fc1", new Dense(dim, config.mlpHidden()));
    this.fc2 = addChildBlock("fc2", new Dense(config.mlpHidden(), dim));
  }

  private Parameter vector(String name, Parameter.Type type, Initializer init) {
    return Parameter.builder().setName(name).setType(type).optShape(new Shape(dim)).optInitializer(init).build();
  }

  /**
   * @param x (B, K, Dt)
   * @param bias additive attention bias (B, 1, K, K): 0 allowed, minus infinity masked
   * @return (B, K, Dt)
   */
  NDArray forward(ParameterStore store, NDArray x, NDArray bias, boolean training) {
    Shape s = x.getShape();
    long b = s.get(0);
    long k = s.get(1);
    long dh = dim / heads;
    NDArray h =
        LayerNorm.affine(
            x, store.getValue(norm1Gamma, x.getDevice(), training), store.getValue(norm1Beta, x.getDevice(), training), 1e-5f);
    // (B, K, 3Dt) -> (B, K, 3, h, dh) -> (3, B, h, K, dh)
    NDArray grouped = qkv.forward(store, h, training).reshape(b, k, 3, heads, dh).transpose(2, 0, 3, 1, 4);
    NDArray q = Ops.mul(grouped.get(0), 1.0 / Math.sqrt(dh));
    NDArray scores = q.matMul(grouped.get(1).transpose(0, 1, 3, 2)).add(bias); // (B, h, K, K)
    NDArray attended = scores.softmax(-1).matMul(grouped.get(2)); // (B, h, K, dh)
    // (B, h, K, dh) -> (B, K, h, dh) -> (B, K, Dt)
    x = x.add(proj.forward(store, attended.transpose(0, 2, 1, 3).reshape(b, k, dim), training));
    h =
        LayerNorm.affine(
            x, store.getValue(norm2Gamma, x.getDevice(), training), store.getValue(norm2Beta, x.getDevice(), training), 1e-5f);
    return x.add(fc2.forward(store, Activation.gelu(fc1.forward(store, h, training)), training));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
    return new NDList(forward(store, inputs.get(0), inputs.get(1), training));
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
