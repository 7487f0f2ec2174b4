package dev.walt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Kubernetes objects rendered from {@code helm/walt} by helm-java ({@code helm template}), parsed with
 * SnakeYAML, with small accessors for the assertions.
 *
 * <p>helm-java's {@code template} returns the release manifest only, without hook resources (the
 * {@code helm} CLI prints those separately). So that the migration Job, its Secret and the test pod are
 * rendered and checked too, the chart is rendered from a copy whose {@code "helm.sh/hook":} annotation
 * key is renamed to {@value #HOOK_STAND_IN}; the parsed objects carry the original key again. Nothing
 * else in the copy differs.
 */
record Manifests(List<Map<String, Object>> objects) {

  static final Path CHART = Path.of("helm", "walt");
  static final String RELEASE = "walt";
  static final String HOOK = "helm.sh/hook";
  static final String HOOK_STAND_IN = "test.walt.dev/hook";

  private static @Nullable Path renderable;

  /** Renders the chart with {@code --set key=value} for each entry. */
  static Manifests render(Map<String, Object> values) {
    TemplateCommand template = new Helm(renderableChart()).template().withName(RELEASE).withNamespace("video");
    values.forEach(template::set);
    return parse(template.call());
  }

  private static synchronized Path renderableChart() {
    if (renderable == null) {
      try {
        Path copy = Files.createTempDirectory("walt-chart").resolve("walt");
        try (Stream<Path> files = Files.walk(CHART)) {
          for (Path file : files.toList()) {
            Path target = copy.resolve(CHART.relativize(file).toString());
            if (Files.isDirectory(file)) {
              Files.createDirectories(target);
            } else {
              String text = Files.readString(file);
              Files.writeString(target, text.replace('"' + HOOK + "\":", '"' + HOOK_STAND_IN + "\":"));
            }
          }
        }
        renderable = copy;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return renderable;
  }

  static Manifests parse(String yaml) {
    List<Map<String, Object>> objects = new ArrayList<>();
    for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
      if (document != null) {
        Map<String, Object> object = map(document);
        Object annotations = at(object, "metadata.annotations");
        if (annotations != null && map(annotations).containsKey(HOOK_STAND_IN)) {
          map(annotations).put(HOOK, map(annotations).remove(HOOK_STAND_IN));
        }
        objects.add(object);
      }
    }
    return new Manifests(objects);
  }

  List<Map<String, Object>> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
  }

  List<String> kinds() {
    return objects.stream().map(o -> (String) o.get("kind")).toList();
  }

  /** The one object of this kind and name. */
  Map<String, Object> get(String kind, String name) {
    List<Map<String, Object>> found =
        ofKind(kind).stream().filter(o -> name.equals(at(o, "metadata.name"))).toList();
    assertThat(found).as("%s %s in %s", kind, name, names()).hasSize(1);
    return found.get(0);
  }

  List<String> names() {
    return objects.stream().map(o -> o.get("kind") + "/" + at(o, "metadata.name")).toList();
  }

  /** The containers of every workload (Deployment, Job) of the application; not the helm test pod. */
  List<Map<String, Object>> appContainers() {
    List<Map<String, Object>> containers = new ArrayList<>();
    for (Map<String, Object> o : objects) {
      if (List.of("Deployment", "Job").contains(o.get("kind"))) {
        containers.addAll(maps(at(o, "spec.template.spec.containers")));
      }
    }
    return containers;
  }

  /** Follows a dotted path; {@code [n]} indexes a list: {@code spec.template.spec.containers[0].env}. */
  static @Nullable Object at(@Nullable Object node, String path) {
    Object current = node;
    for (String part : path.split("\\.")) {
      if (current == null) {
        return null;
      }
      int bracket = part.indexOf('[');
      String key = bracket < 0 ? part : part.substring(0, bracket);
      current = map(current).get(key);
      if (bracket >= 0) {
        int index = Integer.parseInt(part.substring(bracket + 1, part.length() - 1));
        current = current == null ? null : ((List<?>) current).get(index);
      }
    }
    return current;
  }

  static Map<String, Object> atMap(Object node, String path) {
    return map(Objects.requireNonNull(at(node, path), path));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object node) {
    return (Map<String, Object>) node;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> maps(@Nullable Object node) {
    return node == null ? List.of() : (List<Map<String, Object>>) node;
  }

  /** A container's {@code env} as name -> entry. */
  static Map<String, Map<String, Object>> env(Map<String, Object> container) {
    Map<String, Map<String, Object>> env = new java.util.LinkedHashMap<>();
    for (Map<String, Object> entry : maps(container.get("env"))) {
      env.put((String) entry.get("name"), entry);
    }
    return env;
  }
}
