package dev.walt.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walt.storage.StorageSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The documented environment variables bind to the settings records; the defaults are as documented. */
class SettingsBindingTest {

  private static Binder binder(PropertySource<?> source) {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(source);
    return new Binder(ConfigurationPropertySources.from(environment.getPropertySources()));
  }

  private static Binder env(Map<String, Object> variables) {
    return binder(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME + "-test", variables));
  }

  @Test
  void defaults() {
    Binder binder = binder(new MapPropertySource("empty", Map.of()));
    StorageSettings s3 = binder.bindOrCreate("walt.s3", StorageSettings.class);
    assertThat(s3.endpoint()).isNull();
    assertThat(s3.bucket()).isEqualTo("walt");
    assertThat(s3.region()).isEqualTo("us-east-1");
    assertThat(s3.presignExpiry()).isEqualTo(Duration.ofHours(1));
    assertThat(s3.publicEndpoint()).isNull();
    assertThat(s3.createBucket()).isTrue();
    assertThat(binder.bindOrCreate("walt", WaltSettings.class).dataDir().normalize()).isEqualTo(Path.of("walt-data"));
    assertThat(binder.bindOrCreate("walt.db", DatabaseSettings.class).external()).isFalse();
  }

  @Test
  void environmentVariablesBind() {
    Binder binder =
        env(
            Map.of(
                "WALT_DATA_DIR", "/var/lib/walt",
                "WALT_DB_URL", "jdbc:postgresql://db:5432/walt",
                "WALT_DB_USER", "walt",
                "WALT_DB_PASSWORD", "pw",
                "WALT_S3_ENDPOINT", "http://minio:9000",
                "WALT_S3_ACCESS_KEY", "ak",
                "WALT_S3_SECRET_KEY", "sk",
                "WALT_S3_BUCKET", "videos",
                "WALT_S3_REGION", "eu-west-1",
                "WALT_S3_PUBLIC_ENDPOINT", "https://media.example.com"));
    Map<String, Object> more =
        Map.of("WALT_S3_PRESIGN_EXPIRY", "15m", "WALT_S3_CREATE_BUCKET", "false");
    Binder binder2 = env(more);

    assertThat(binder.bindOrCreate("walt", WaltSettings.class).dataDir()).isEqualTo(Path.of("/var/lib/walt"));
    DatabaseSettings db = binder.bindOrCreate("walt.db", DatabaseSettings.class);
    assertThat(db).isEqualTo(new DatabaseSettings("jdbc:postgresql://db:5432/walt", "walt", "pw"));
    assertThat(db.external()).isTrue();
    StorageSettings s3 = binder.bindOrCreate("walt.s3", StorageSettings.class);
    assertThat(s3.endpoint()).isEqualTo(URI.create("http://minio:9000"));
    assertThat(s3.accessKey()).isEqualTo("ak");
    assertThat(s3.secretKey()).isEqualTo("sk");
    assertThat(s3.bucket()).isEqualTo("videos");
    assertThat(s3.region()).isEqualTo("eu-west-1");
    assertThat(s3.publicEndpoint()).isEqualTo(URI.create("https://media.example.com"));
    StorageSettings s3b = binder2.bindOrCreate("walt.s3", StorageSettings.class);
    assertThat(s3b.presignExpiry()).isEqualTo(Duration.ofMinutes(15));
    assertThat(s3b.createBucket()).isFalse();
  }

  @Test
  void secretsStayOutOfToString() {
    assertThat(new DatabaseSettings("jdbc:postgresql://db/walt", "walt", "s3cr3t-pw").toString()).doesNotContain("s3cr3t-pw");
    StorageSettings s3 = new StorageSettings(URI.create("http://minio:9000"), "ak", "s3cr3t-key", "walt", "us-east-1",
        null, Duration.ofHours(1), true);
    assertThat(s3.toString()).doesNotContain("s3cr3t-key").contains("ak");
  }

  @Test
  void blankDatabaseUrlMeansEmbedded() {
    assertThat(new DatabaseSettings(" ", null, null).external()).isFalse();
    assertThat(new DatabaseSettings(null, null, null).external()).isFalse();
  }
}
