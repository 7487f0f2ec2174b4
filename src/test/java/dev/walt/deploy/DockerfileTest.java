package dev.walt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Static checks of the Dockerfile (no Docker engine here to build it), in the spirit of hadolint plus
 * what this image promises: the layered-jar shape, a numeric non-root user, a health check that exists
 * in the image, exec-form entrypoint with the native-library arguments, the CUDA variant, and a build
 * context (.dockerignore) that holds everything the Dockerfile copies.
 */
class DockerfileTest {

  /** One instruction, continuation lines joined. */
  record Instruction(String stage, String keyword, String arguments) {}

  static List<Instruction> instructions() throws IOException {
    String text = Files.readString(Path.of("Dockerfile")).replace("\\\n", " ");
    List<Instruction> instructions = new ArrayList<>();
    String stage = "";
    for (String line : text.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      int space = trimmed.indexOf(' ');
      String keyword = trimmed.substring(0, space).toUpperCase(java.util.Locale.ROOT);
      String arguments = trimmed.substring(space + 1).strip();
      if (keyword.equals("FROM")) {
        Matcher as = Pattern.compile("(?i)\\s+AS\\s+(\\S+)$").matcher(arguments);
        stage = as.find() ? as.group(1) : arguments;
      }
      instructions.add(new Instruction(stage, keyword, arguments));
    }
    return instructions;
  }

  static List<Instruction> of(String stage, String keyword) throws IOException {
    return instructions().stream().filter(i -> i.stage().equals(stage) && i.keyword().equals(keyword)).toList();
  }

  @Test
  void stagesAreBuilderThenARuntimePerVariant() throws IOException {
    Map<String, String> from = new LinkedHashMap<>();
    instructions().stream().filter(i -> i.keyword().equals("FROM"))
        .forEach(i -> from.put(i.stage(), i.arguments().replaceAll("(?i)\\s+AS\\s+\\S+$", "")));
    assertThat(from)
        .containsExactly(
            Map.entry("builder", "eclipse-temurin:${JAVA_VERSION}-jdk-noble"),
            Map.entry("runtime-cpu", "eclipse-temurin:${JAVA_VERSION}-jre-noble"),
            Map.entry("runtime-cuda", "${CUDA_IMAGE}"),
            Map.entry("runtime", "runtime-${VARIANT}"));
    // global build arguments with pinned defaults (no :latest anywhere)
    assertThat(instructions().stream().filter(i -> i.stage().isEmpty() && i.keyword().equals("ARG")).map(Instruction::arguments))
        .containsExactly("VARIANT=cpu", "JAVA_VERSION=21", "CUDA_IMAGE=nvidia/cuda:12.8.1-runtime-ubuntu24.04");
    assertThat(Files.readString(Path.of("Dockerfile"))).doesNotContain(":latest");
    // a stage that uses VARIANT declares it (ARGs before FROM are not visible inside stages)
    for (String stage : List.of("builder", "runtime")) {
      assertThat(of(stage, "ARG")).extracting(Instruction::arguments).contains("VARIANT");
    }
  }

  @Test
  void theBuilderPackagesWithTheWrapperAndExtractsLayers() throws IOException {
    List<String> runs = of("builder", "RUN").stream().map(Instruction::arguments).toList();
    assertThat(runs).anySatisfy(r -> assertThat(r).contains("./mvnw -B -DskipTests ${profiles} package").contains("cuda) profiles=\"-Pcuda\""));
    assertThat(runs).anySatisfy(r -> assertThat(r).isEqualTo(
        "java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted"));
    assertThat(runs).anySatisfy(r -> assertThat(r).isEqualTo(
        "javac --release 17 -d healthcheck docker/HealthCheck.java"));
  }

  @Test
  void theRuntimeCopiesTheLayersLeastChangingFirst() throws IOException {
    List<String> layers = of("runtime", "COPY").stream()
        .map(Instruction::arguments)
        .filter(a -> a.startsWith("--from=builder /build/extracted/"))
        .toList();
    assertThat(layers).containsExactly(
        "--from=builder /build/extracted/dependencies/ ./",
        "--from=builder /build/extracted/spring-boot-loader/ ./",
        "--from=builder /build/extracted/snapshot-dependencies/ ./",
        "--from=builder /build/extracted/application/ ./");
  }

  @Test
  void itRunsAsAFixedNonRootUidWithAHealthCheckThatExistsInTheImage() throws IOException {
    List<Instruction> runtime = instructions().stream().filter(i -> i.stage().equals("runtime")).toList();
    List<Instruction> users = runtime.stream().filter(i -> i.keyword().equals("USER")).toList();
    assertThat(users).extracting(Instruction::arguments).containsExactly("10001:10001");
    assertThat(runtime.stream().filter(i -> i.keyword().equals("RUN")).map(Instruction::arguments))
        .anySatisfy(r -> assertThat(r).contains("useradd --system --uid 10001 --gid 10001"));
    // the last instructions run as that user: nothing after USER switches back
    assertThat(runtime.get(runtime.size() - 1).keyword()).isEqualTo("ENTRYPOINT");

    Instruction health = runtime.stream().filter(i -> i.keyword().equals("HEALTHCHECK")).findFirst().orElseThrow();
    assertThat(health.arguments())
        .contains("CMD [\"java\"", "\"-cp\", \"/opt/walt/healthcheck\", \"HealthCheck\"]")
        .doesNotContain("curl", "wget");
    assertThat(runtime).anySatisfy(i -> assertThat(i.arguments())
        .isEqualTo("--from=builder /build/healthcheck/ /opt/walt/healthcheck/"));
    assertThat(Files.readString(Path.of("docker", "HealthCheck.java"))).contains("/actuator/health/liveness");
  }

  @Test
  void theEntrypointIsExecFormWithTheNativeArgumentsAndNothingDownloads() throws IOException {
    Instruction entrypoint = of("runtime", "ENTRYPOINT").get(0);
    assertThat(entrypoint.arguments()).isEqualTo(
        "[\"java\", \"@/opt/walt/jvm.args\", \"-cp\", \"/app\", \"org.springframework.boot.loader.launch.JarLauncher\"]");
    List<String> jvmArgs = Files.readAllLines(Path.of("docker", "jvm.args")).stream()
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .toList();
    assertThat(jvmArgs).contains(
        "-Dai.djl.offline=true",
        "-Djava.library.path=/opt/walt/natives/lib",
        "-Dorg.bytedeco.javacpp.pathsFirst=true",
        "-Dorg.bytedeco.javacpp.cacheLibraries=false");
    List<String> env = of("runtime", "ENV").stream().map(Instruction::arguments).toList();
    assertThat(env).anySatisfy(e -> assertThat(e).contains("DJL_CACHE_DIR=/opt/walt/natives/djl"));
    assertThat(env).anySatisfy(e -> assertThat(e).contains("JAVA_TOOL_OPTIONS=").contains("-XX:MaxRAMPercentage="));
    // the natives are extracted at build time and then checked as the runtime user with jvm.args
    List<Instruction> runtime = instructions().stream().filter(i -> i.stage().equals("runtime")).toList();
    int user = indexOf(runtime, "USER");
    assertThat(runtime.subList(0, user)).anySatisfy(i -> assertThat(i.arguments())
        .contains("-Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp", "JarLauncher warm-up",
            "-exec cp -a -t /opt/walt/natives/lib"));
    assertThat(runtime.subList(user, runtime.size())).anySatisfy(i -> assertThat(i.arguments())
        .contains("java @/opt/walt/jvm.args -cp /app org.springframework.boot.loader.launch.JarLauncher warm-up"));
  }

  @Test
  void theCudaVariantSwapsThePyTorchNativesThroughAMavenProfileThatIsOffByDefault() throws IOException {
    String pom = Files.readString(Path.of("pom.xml"));
    Matcher profile = Pattern.compile("(?s)<profile>\\s*<id>cuda</id>(.*?)</profile>").matcher(pom);
    assertThat(profile.find()).isTrue();
    assertThat(profile.group(1))
        .contains("<pytorch.native.artifact>pytorch-native-cu128</pytorch.native.artifact>")
        .doesNotContain("activeByDefault");
    assertThat(pom).contains("<pytorch.native.artifact>pytorch-native-cpu</pytorch.native.artifact>");
    assertThat(of("runtime-cuda", "COPY")).extracting(Instruction::arguments)
        .containsExactly("--from=runtime-cpu /opt/java/openjdk /opt/java/openjdk");
    assertThat(of("runtime-cuda", "ENV")).extracting(Instruction::arguments)
        .anySatisfy(e -> assertThat(e).contains("PYTORCH_FLAVOR=cu128"));
  }

  @Test
  void theBuildContextHoldsEverythingTheDockerfileCopies() throws IOException {
    List<String> allowed = Files.readAllLines(Path.of(".dockerignore")).stream()
        .filter(l -> l.startsWith("!"))
        .map(l -> l.substring(1))
        .toList();
    assertThat(Files.readAllLines(Path.of(".dockerignore"))).contains("*");
    for (Instruction copy : instructions().stream().filter(i -> i.keyword().equals("COPY")).toList()) {
      if (copy.arguments().contains("--from=")) {
        continue;
      }
      String[] parts = copy.arguments().replaceAll("--chmod=\\S+\\s+", "").split("\\s+");
      for (int i = 0; i < parts.length - 1; i++) {
        String source = parts[i];
        assertThat(allowed).as("%s in .dockerignore", source)
            .anySatisfy(a -> assertThat(source.startsWith(a) || a.startsWith(source)).isTrue());
        assertThat(Path.of(source)).exists();
      }
    }
  }

  private static int indexOf(List<Instruction> instructions, String keyword) {
    for (int i = 0; i < instructions.size(); i++) {
      if (instructions.get(i).keyword().equals(keyword)) {
        return i;
      }
    }
    throw new AssertionError("no " + keyword);
  }
}
