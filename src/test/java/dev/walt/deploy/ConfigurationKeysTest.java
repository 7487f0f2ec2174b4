package dev.walt.deploy;

import static dev.walt.deploy.Manifests.at;
import static dev.walt.deploy.Manifests.atMap;
import static dev.walt.deploy.Manifests.env;
import static dev.walt.deploy.Manifests.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every environment variable that the Helm chart, docker-compose.yml and the Dockerfile give the walt
 * containers is a setting the application reads: it binds, by Spring Boot's own relaxed rules for
 * environment variables, to a property in the configuration metadata on the classpath (ours, generated
 * from the {@code @ConfigurationProperties} records by {@code spring-boot-configuration-processor}, and
 * Spring Boot's), or it is one of the few variables read by the JVM or a native library, listed here
 * with the reader. A misspelt or stale variable fails this test instead of being silently ignored.
 */
class ConfigurationKeysTest {

  /** Variables read by something other than Spring's binder, and who reads them. */
  static final Map<String, String> NOT_SPRING =
      Map.of(
          "JAVA_TOOL_OPTIONS", "the JVM",
          "JAVA_HOME", "the JRE image",
          "PATH", "the shell",
          "HOME", "the JVM (user.home)",
          "DJL_CACHE_DIR", "DJL: where the PyTorch natives are",
          "PYTORCH_FLAVOR", "DJL: which PyTorch natives (cu128 in the CUDA image)");

  static Set<String> properties;
  static Set<String> mapProperties;

  @BeforeAll
  static void readMetadata() throws IOException {
    properties = new TreeSet<>();
    mapProperties = new TreeSet<>();
    JsonMapper json = JsonMapper.builder().build();
    int files = 0;
    for (String resource :
        List.of(
            "META-INF/spring-configuration-metadata.json",
            "META-INF/additional-spring-configuration-metadata.json")) {
      Enumeration<URL> urls = ConfigurationKeysTest.class.getClassLoader().getResources(resource);
      for (URL url : Collections.list(urls)) {
        files++;
        try (InputStream in = url.openStream()) {
          for (JsonNode property : json.readTree(in).path("properties")) {
            add(property.path("name").asString(), property.path("type").asString(""));
          }
        }
      }
    }
    assertThat(files).isGreaterThan(5);
  }

  private static void add(String name, String type) {
    if (ConfigurationPropertyName.isValid(name)) {
      properties.add(name);
      if (type.startsWith("java.util.Map")) {
        mapProperties.add(name);
      }
    }
  }

  @Test
  void ourSettingsRecordsAreInTheGeneratedMetadata() {
    assertThat(properties)
        .contains(
            "walt.db.url",
            "walt.db.user",
            "walt.db.password",
            "walt.s3.endpoint",
            "walt.s3.access-key",
            "walt.s3.secret-key",
            "walt.s3.bucket",
            "walt.data-dir",
            "walt.roles",
            "spring.flyway.enabled",
            "spring.lifecycle.timeout-per-shutdown-phase");
  }

  @Test
  void relaxedBindingIsSpringBoots() {
    assertThat(property("WALT_S3_ACCESS_KEY")).isEqualTo("walt.s3.access-key");
    assertThat(property("WALT_S3_ACCESSKEY")).isEqualTo("walt.s3.access-key");
    assertThat(property("WALT_DATA_DIR")).isEqualTo("walt.data-dir");
    assertThat(property("WALT_ROLES")).isEqualTo("walt.roles");
    assertThat(property("SPRING_FLYWAY_ENABLED")).isEqualTo("spring.flyway.enabled");
    assertThat(property("WALT_S3_ACCESS_KEYS")).isNull();
    assertThat(property("WALT_DB_URI")).isNull();
  }

  @Test
  void everyVariableTheChartSetsIsASettingTheApplicationReads() {
    Map<String, String> variables = new TreeMap<>();
    for (Map<String, Object> values :
        List.of(
            Map.<String, Object>of(),
            Map.<String, Object>of("worker.gpu.count", 1, "worker.keda.enabled", true),
            Map.<String, Object>of("secrets.existingSecret", "mine", "migrations.enabled", false),
            Map.<String, Object>of("s3.publicEndpoint", "https://downloads.example.com"))) {
      Manifests m = Manifests.render(values);
      for (Map<String, Object> container : m.appContainers()) {
        env(container).keySet().forEach(name -> variables.put(name, "chart container " + container.get("name")));
      }
      for (Map<String, Object> configMap : m.ofKind("ConfigMap")) {
        atMap(configMap, "data").keySet().forEach(name -> variables.put(name, "chart ConfigMap"));
      }
    }
    assertThat(variables)
        .containsKeys(
            "WALT_DB_URL", "WALT_DB_USER", "WALT_DB_PASSWORD", "WALT_S3_ENDPOINT", "WALT_S3_PUBLIC_ENDPOINT",
            "WALT_S3_ACCESS_KEY", "WALT_S3_SECRET_KEY", "WALT_AUTH_PEPPER", "WALT_AUTH_ADMIN_KEY", "WALT_ROLES",
            "SPRING_FLYWAY_ENABLED", "WALT_WORKER_THREADS", "WALT_WORKER_DRAIN_GRACE_PERIOD");
    assertAllRead(variables);
  }

  @Test
  void everyVariableComposeSetsIsASettingTheApplicationReads() throws IOException {
    Map<String, Object> compose = map(new Yaml(new SafeConstructor(new LoaderOptions()))
        .load(Files.readString(Path.of("docker-compose.yml"))));
    Map<String, String> variables = new TreeMap<>();
    for (String service : List.of("migrate", "api", "worker", "worker-gpu")) {
      Map<String, Object> environment = atMap(compose, "services." + service + ".environment");
      environment.keySet().forEach(name -> variables.put(name, "compose service " + service));
      assertThat(environment).containsKeys("WALT_DB_URL", "WALT_DB_USER", "WALT_DB_PASSWORD");
    }
    assertThat(at(compose, "services.api.environment.WALT_ROLES")).isEqualTo("api");
    assertThat(at(compose, "services.worker.environment.WALT_ROLES")).isEqualTo("worker");
    assertAllRead(variables);
  }

  @Test
  void everyVariableTheDockerfileSetsIsReadBySomeone() throws IOException {
    Map<String, String> variables = new TreeMap<>();
    // ENV NAME=value [NAME=value ...], continued over lines ending in a backslash
    String dockerfile = Files.readString(Path.of("Dockerfile")).replace("\\\n", " ");
    Matcher env = Pattern.compile("(?m)^ENV\\s+(.*)$").matcher(dockerfile);
    Pattern assignment = Pattern.compile("([A-Z_][A-Z0-9_]*)=(\"[^\"]*\"|\\S*)");
    while (env.find()) {
      Matcher a = assignment.matcher(env.group(1));
      while (a.find()) {
        variables.put(a.group(1), "Dockerfile");
      }
    }
    assertThat(variables).containsKeys("WALT_DATA_DIR", "DJL_CACHE_DIR", "JAVA_TOOL_OPTIONS");
    assertAllRead(variables);
  }

  private static void assertAllRead(Map<String, String> variables) {
    Map<String, String> unread = new LinkedHashMap<>();
    variables.forEach((name, where) -> {
      if (!NOT_SPRING.containsKey(name) && property(name) == null) {
        unread.put(name, where);
      }
    });
    assertThat(unread).as("variables no setting of the application reads").isEmpty();
  }

  /**
   * The known property that environment variable {@code name} sets, by Spring Boot's mapping of
   * system environment variables (a real {@link SystemEnvironmentPropertySource}); null if none.
   */
  static @Nullable String property(String name) {
    // the standard name: Spring Boot maps a source of this name with its system-environment rules
    ConfigurationPropertySource source = ConfigurationPropertySource.from(
        new SystemEnvironmentPropertySource(
            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(name, "value")));
    String letters = lettersAndDigits(name);
    List<String> matches = new ArrayList<>();
    for (String property : properties) {
      // cheap pre-filter (the same letters and digits, or a map property's prefix); Spring decides
      String candidate = lettersAndDigits(property);
      if (!(letters.equals(candidate) || (mapProperties.contains(property) && letters.startsWith(candidate)))) {
        continue;
      }
      ConfigurationPropertyName key = ConfigurationPropertyName.of(property);
      if (source.getConfigurationProperty(key) != null
          || (mapProperties.contains(property)
              && source.containsDescendantOf(key) == ConfigurationPropertyState.PRESENT)) {
        matches.add(property);
      }
    }
    return matches.isEmpty() ? null : matches.get(0);
  }

  private static String lettersAndDigits(String name) {
    return name.replaceAll("[^A-Za-z0-9]", "").toLowerCase(java.util.Locale.ROOT);
  }
}
