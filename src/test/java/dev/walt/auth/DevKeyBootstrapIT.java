package dev.walt.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walt.system.WaltSettings;
import dev.walt.testing.WaltIntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The embedded default's key material against a real PostgreSQL: the pepper generated once into the
 * data folder and the development key written to its file, both owner-only, the key valid, only the
 * file's location logged, and nothing created again at the next start.
 */
@WaltIntegrationTest(properties = "walt.worker.enabled=false")
@ExtendWith(OutputCaptureExtension.class)
class DevKeyBootstrapIT {

  static final Path DEV_KEY_FILE = Path.of(System.getProperty("java.io.tmpdir"),
      "walt-dev-key-" + System.nanoTime(), "dev-api-key");

  @DynamicPropertySource
  static void devKey(DynamicPropertyRegistry registry) {
    registry.add("walt.auth.dev-key-file", DEV_KEY_FILE::toString);
  }

  @Autowired ApiKeys keys;
  @Autowired DevKeyBootstrap bootstrap;
  @Autowired WaltSettings walt;
  @Autowired JdbcClient jdbc;

  @Test
  void aDevelopmentKeyIsWrittenOwnerOnlyAndOnlyItsLocationIsLogged(CapturedOutput output) throws Exception {
    assertThat(DEV_KEY_FILE).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(DEV_KEY_FILE))).isEqualTo("rw-------");
    String key = Files.readString(DEV_KEY_FILE).strip();
    assertThat(key).matches("walt_sk_[A-Za-z0-9_-]{43}");
    assertThat(keys.authenticate(key)).isPresent();
    assertThat(keys.authenticate(key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A"))).isEmpty();

    Path pepper = walt.dataDir().resolve("auth-pepper");
    assertThat(pepper).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pepper))).isEqualTo("rw-------");

    // the next start finds the key valid and creates nothing
    long tenants = jdbc.sql("SELECT count(*) FROM tenants").query(Long.class).single();
    bootstrap.run(null);
    assertThat(jdbc.sql("SELECT count(*) FROM tenants").query(Long.class).single()).isEqualTo(tenants);
    assertThat(Files.readString(DEV_KEY_FILE).strip()).isEqualTo(key);

    // a revoked key is replaced at the next start
    jdbc.sql("UPDATE api_keys SET revoked_at = now()").update();
    bootstrap.run(null);
    String replaced = Files.readString(DEV_KEY_FILE).strip();
    assertThat(replaced).isNotEqualTo(key);
    assertThat(keys.authenticate(replaced)).isPresent();

    assertThat(output.getAll()).contains(DEV_KEY_FILE.toAbsolutePath().toString())
        .doesNotContain(key).doesNotContain(replaced).doesNotContain(Files.readString(pepper).strip());
  }
}
