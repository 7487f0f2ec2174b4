package dev.walt.model.checkpoint;

import ai.djl.nn.Block;
import ai.djl.nn.BlockList;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Hierarchical, PyTorch-style names of a block's parameters: child names joined by dots, then the
 * parameter name ({@code encoder.down.0.res.0.conv1.weight}). DJL prefixes every child name with its
 * position ({@code 01encoder}); the prefix is dropped unless that would make two siblings share a name
 * (e.g. a {@code SequentialBlock}'s {@code 01Linear}, {@code 02Linear}), in which case those siblings
 * keep DJL's names.
 */
public final class ParameterNames {

  private static final Pattern POSITION = Pattern.compile("^\\d{2}");

  private ParameterNames() {}

  /** Every parameter of {@code block} and its descendants, by hierarchical name, in block order. */
  public static Map<String, Parameter> of(Block block) {
    Map<String, Parameter> out = new LinkedHashMap<>();
    collect("", block, out);
    return out;
  }

  private static void collect(String prefix, Block block, Map<String, Parameter> out) {
    for (Pair<String, Parameter> p : block.getDirectParameters()) {
      put(out, prefix + p.getValue().getName(), p.getValue());
    }
    BlockList children = block.getChildren();
    Set<String> stripped = new HashSet<>();
    boolean unique = true;
    for (Pair<String, Block> child : children) {
      unique &= stripped.add(strip(child.getKey()));
    }
    for (Pair<String, Block> child : children) {
      String name = unique ? strip(child.getKey()) : child.getKey();
      collect(prefix + name + ".", child.getValue(), out);
    }
  }

  private static String strip(String childName) {
    String name = POSITION.matcher(childName).replaceFirst("");
    return name.isEmpty() ? childName : name;
  }

  private static void put(Map<String, Parameter> out, String name, Parameter parameter) {
    if (out.putIfAbsent(name, parameter) != null) {
      throw new IllegalStateException("two parameters share the name '" + name + "'");
    }
  }
}
