package dev.walt.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/** A layer on (B, C, T, H, W) arrays that knows its output shape and its FLOP count. */
public interface VideoLayer {

  /**
   * @param x (B, Cin, T, H, W)
   * @return (B, Cout, T_out, H_out, W_out), as {@link #outputShape} says
   */
  NDArray forward(ParameterStore store, NDArray x, boolean training);

  /** The output shape for input shape {@code in}. */
  Shape outputShape(Shape in);

  /** Floating-point operations of one forward pass on input shape {@code in} (2 per multiply-add). */
  long flops(Shape in);
}
