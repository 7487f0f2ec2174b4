package dev.walt.world;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the world's description, {@code domain.json}, and the tokenizer's word list, {@code vocab.txt}, from
 * this package's code. The shipped copies in {@code src/main/resources/models/walt-tiny/} are checked against
 * it by a test; regenerate them with {@code main} after changing the world.
 */
public final class DomainDescription {

  /** Where the shipped files live, relative to the repository root. */
  public static final String SHIPPED_DIRECTORY = "src/main/resources/models/walt-tiny";

  private DomainDescription() {}

  /** The contents of {@code domain.json}. */
  public static String json() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("name", "moving-shapes");
    root.put("description", "One flat-coloured object moving in a straight line over a flat background.");
    root.put("frames", World.FRAMES);
    root.put("fps", World.FPS);
    root.put("resolution", World.RESOLUTION);
    root.put("stageResolutions", World.STAGE_RESOLUTIONS);
    root.put("downsampling", "area average over integer blocks of the 256 x 256 anti-aliased rendering");
    root.put("pixels", "(3, T, H, W) float32 RGB in [-1, 1]: v = c / 127.5 - 1 for 8-bit c");
    root.put("coordinates", "fractions of the frame side; x to the right, y down");
    root.put("objectSize", range(World.MIN_SIZE, World.MAX_SIZE));
    root.put("travel", range(World.MIN_TRAVEL, World.MAX_TRAVEL));
    root.put("margin", World.MARGIN);
    root.put("minContrast", World.MIN_CONTRAST);
    List<Object> colours = new ArrayList<>();
    for (Colour colour : Colour.values()) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("name", colour.word());
      c.put("rgb", rgb(colour.rgb()));
      c.put("backgrounds", List.of(Background.values()).stream()
          .filter(colour::contrastsWith).map(Background::word).toList());
      colours.add(c);
    }
    root.put("colours", colours);
    List<Object> backgrounds = new ArrayList<>();
    for (Background background : Background.values()) {
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("name", background.word());
      b.put("rgb", rgb(background.rgb()));
      b.put("words", background.words());
      backgrounds.add(b);
    }
    root.put("backgrounds", backgrounds);
    List<Object> shapes = new ArrayList<>();
    for (Shape shape : Shape.values()) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("name", shape.word());
      s.put("fillRatio", shape.fillRatio());
      s.put("skewness", shape.skewness());
      s.put("words", shape.words());
      shapes.add(s);
    }
    root.put("shapes", shapes);
    List<Object> motions = new ArrayList<>();
    for (Motion motion : Motion.values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", motion.word());
      m.put("dx", motion.dx());
      m.put("dy", motion.dy());
      m.put("phrases", motion.phrases());
      motions.add(m);
    }
    root.put("motions", motions);
    root.put("videoMotions", Motion.MOVING.stream().map(Motion::word).toList());
    Map<String, Object> templates = new LinkedHashMap<>();
    for (Split split : Split.values()) {
      Map<String, Object> kinds = new LinkedHashMap<>();
      kinds.put("video", Captions.templates(split, false).stream().map(Template::pattern).toList());
      kinds.put("still", Captions.templates(split, true).stream().map(Template::pattern).toList());
      templates.put(split == Split.TRAIN ? "train" : "heldOut", kinds);
    }
    root.put("templates", templates);
    root.put("tokenizer", "lower-case, split on every character other than a-z");
    root.put("maxCaptionWords", Vocabulary.maxCaptionWords());
    root.put("vocabulary", Vocabulary.words());
    // two-space indent and "\n" line ends on every operating system, so the shipped file compares equal
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
    return JsonMapper.builder().build().writer().with(printer).writeValueAsString(root) + "\n";
  }

  /** The contents of {@code vocab.txt}: every word, sorted, one per line. */
  public static String vocabText() {
    return String.join("\n", Vocabulary.words()) + "\n";
  }

  /** Writes {@code domain.json} and {@code vocab.txt} into a directory (default: the shipped one). */
  public static void main(String[] args) throws IOException {
    Path directory = Path.of(args.length > 0 ? args[0] : SHIPPED_DIRECTORY);
    Files.createDirectories(directory);
    Files.writeString(directory.resolve("domain.json"), json(), StandardCharsets.UTF_8);
    Files.writeString(directory.resolve("vocab.txt"), vocabText(), StandardCharsets.UTF_8);
    System.out.println("wrote " + directory.resolve("domain.json") + " and " + directory.resolve("vocab.txt"));
  }

  private static Map<String, Object> range(double min, double max) {
    Map<String, Object> range = new LinkedHashMap<>();
    range.put("min", min);
    range.put("max", max);
    return range;
  }

  private static List<Integer> rgb(Rgb rgb) {
    return List.of(rgb.r(), rgb.g(), rgb.b());
  }
}
