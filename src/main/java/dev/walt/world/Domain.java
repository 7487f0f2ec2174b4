package dev.walt.world;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The parts of {@code domain.json} a reader of videos needs: the named colours and backgrounds with their
 * exact RGB values, the shapes with their fill ratios, and the motions with their directions.
 */
public record Domain(
    List<Named> colours,
    List<Named> backgrounds,
    List<ShapeInfo> shapes,
    List<MotionInfo> motions,
    int frames,
    int fps) {

  /** Classpath location of the shipped {@code domain.json}. */
  public static final String RESOURCE = "/models/walt-tiny/domain.json";

  /** A named RGB colour. */
  public record Named(String name, Rgb rgb) {}

  /**
   * A shape, the fraction of its bounding box it fills and the skewness of its area along y (down
   * positive).
   */
  public record ShapeInfo(String name, double fillRatio, double skewness) {}

  /** A motion and its direction (x right, y down; 0, 0 for still). */
  public record MotionInfo(String name, int dx, int dy) {

    public boolean moving() {
      return dx != 0 || dy != 0;
    }
  }

  public Domain {
    colours = List.copyOf(colours);
    backgrounds = List.copyOf(backgrounds);
    shapes = List.copyOf(shapes);
    motions = List.copyOf(motions);
  }

  /** The shipped domain, read from the classpath. */
  public static Domain load() {
    try (InputStream in = Domain.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the classpath");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A domain from the text of a {@code domain.json}. */
  public static Domain parse(String json) {
    JsonNode root = JsonMapper.builder().build().readTree(json);
    List<Named> colours = named(root.get("colours"));
    List<Named> backgrounds = named(root.get("backgrounds"));
    List<ShapeInfo> shapes = new ArrayList<>();
    for (JsonNode s : root.get("shapes")) {
      shapes.add(new ShapeInfo(
          s.get("name").asString(), s.get("fillRatio").asDouble(), s.get("skewness").asDouble()));
    }
    List<MotionInfo> motions = new ArrayList<>();
    for (JsonNode m : root.get("motions")) {
      motions.add(new MotionInfo(m.get("name").asString(), m.get("dx").asInt(), m.get("dy").asInt()));
    }
    return new Domain(colours, backgrounds, shapes, motions, root.get("frames").asInt(), root.get("fps").asInt());
  }

  private static List<Named> named(JsonNode array) {
    List<Named> out = new ArrayList<>();
    for (JsonNode n : array) {
      JsonNode rgb = n.get("rgb");
      out.add(new Named(n.get("name").asString(), new Rgb(rgb.get(0).asInt(), rgb.get(1).asInt(), rgb.get(2).asInt())));
    }
    return out;
  }
}
