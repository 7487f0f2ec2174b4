package dev.walt.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

/**
 * A block whose parameter shapes all follow from its constructor arguments (the model config), never
 * from the input shape. {@link #initialize} therefore needs no meaningful input shape: children are
 * initialized with whatever shapes the caller passes, and every parameter already knows its shape.
 */
public abstract class FixedShapeBlock extends AbstractBlock {

  /** Creates the block with DJL's block version 1. */
  protected FixedShapeBlock() {
    super((byte) 1);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    for (Pair<String, Block> child : getChildren()) {
      child.getValue().initialize(manager, dataType, inputShapes);
    }
  }

  /**
   * Initializes every parameter of this block and its children in {@code manager}.
   *
   * @param manager the manager that will own the parameters (the model's manager)
   */
  public void initialize(NDManager manager) {
    initialize(manager, DataType.FLOAT32, new Shape(1));
  }

  /**
   * The value of {@code parameter} reshaped to {@code shape}, as a view owned by {@code like}'s manager
   * (a reshape made from the parameter would otherwise belong to the model's manager and live as long
   * as the model).
   */
  protected static NDArray value(
      ParameterStore store, Parameter parameter, NDArray like, boolean training, long... shape) {
    NDArray view = value(store, parameter, like, training).reshape(shape);
    view.attach(like.getManager());
    return view;
  }

  /** The value of {@code parameter} on the device of {@code like}. */
  protected static NDArray value(
      ParameterStore store, Parameter parameter, NDArray like, boolean training) {
    return store.getValue(parameter, like.getDevice(), training);
  }
}
