package dev.walt.training;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The trainable parameters of some blocks, in a fixed order, each with a unique name. */
public final class NamedParameters {

  private final List<String> names = new ArrayList<>();
  private final List<Parameter> parameters = new ArrayList<>();

  /** Adds every parameter of {@code block} that requires a gradient, named {@code prefix/<name>}. */
  public NamedParameters add(String prefix, Block block) {
    return add(prefix, block, name -> true);
  }

  /** Adds the parameters of {@code block} that require a gradient and whose name {@code keep} accepts. */
  public NamedParameters add(String prefix, Block block, java.util.function.Predicate<String> keep) {
    for (var pair : block.getParameters()) {
      Parameter p = pair.getValue();
      if (p.requiresGradient() && keep.test(pair.getKey())) {
        names.add(prefix + "/" + pair.getKey());
        parameters.add(p);
        NDArray array = p.getArray();
        if (!array.hasGradient()) {
          array.setRequiresGradient(true);
        }
      }
    }
    return this;
  }

  public List<String> names() {
    return Collections.unmodifiableList(names);
  }

  public List<Parameter> parameters() {
    return Collections.unmodifiableList(parameters);
  }

  /** The parameters' arrays, in order. */
  public List<NDArray> arrays() {
    List<NDArray> arrays = new ArrayList<>(parameters.size());
    for (Parameter p : parameters) {
      arrays.add(p.getArray());
    }
    return arrays;
  }

  public int size() {
    return parameters.size();
  }

  /** Scalar count. */
  public long scalarCount() {
    long n = 0;
    for (Parameter p : parameters) {
      n += p.getArray().getShape().size();
    }
    return n;
  }
}
