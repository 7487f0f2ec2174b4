package dev.walt.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** {@code WALT_EMBEDDED_*} variables bind to {@link EmbeddedSettings}; the default ports are 0 (free port). */
class EmbeddedSettingsBindingTest {

  private static EmbeddedSettings bind(Map<String, Object> env) {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new SystemEnvironmentPropertySource("test-env", env));
    return new Binder(ConfigurationPropertySources.from(environment.getPropertySources()))
        .bindOrCreate("walt.embedded", EmbeddedSettings.class);
  }

  @Test
  void defaultsAndEnvironment() {
    assertThat(bind(Map.of())).isEqualTo(new EmbeddedSettings(0, 0));
    assertThat(bind(Map.of("WALT_EMBEDDED_POSTGRES_PORT", "15432", "WALT_EMBEDDED_S3_PORT", "19000")))
        .isEqualTo(new EmbeddedSettings(15432, 19000));
  }
}
