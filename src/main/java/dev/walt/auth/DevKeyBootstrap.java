package dev.walt.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import dev.walt.system.DatabaseSettings;
import dev.walt.system.WaltSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * The embedded default's development key: with the embedded PostgreSQL (or when
 * {@code walt.auth.dev-key-file} is set) and no valid key in that file, a "development" tenant and an API key are created and the key is written to that file
 * (owner-only). Only the file's location is logged, never the key.
 */
@Component
class DevKeyBootstrap implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(DevKeyBootstrap.class);

  private final AuthSettings settings;
  private final WaltSettings walt;
  private final DatabaseSettings database;
  private final ApiKeys keys;

  DevKeyBootstrap(AuthSettings settings, WaltSettings walt, DatabaseSettings database, ApiKeys keys) {
    this.settings = settings;
    this.walt = walt;
    this.database = database;
    this.keys = keys;
  }

  @Override
  public void run(ApplicationArguments args) {
    Path file = settings.devKeyFile();
    if (file == null) {
      if (database.external()) {
        return; // a real deployment: keys come from the admin API
      }
      file = walt.dataDir().resolve("dev-api-key");
    }
    try {
      var existing = SecretFiles.read(file);
      if (existing.isPresent() && keys.authenticateNow(existing.get()).isPresent()) {
        log.info("development API key: see {}", file.toAbsolutePath());
        return;
      }
      var tenant = keys.createTenant("development");
      var created = keys.createKey(tenant.id(), "development", new ApiKeys.KeyOptions(null, null, null)).orElseThrow();
      SecretFiles.write(file, created.key());
      log.info("created a development tenant and API key; the key is in {} (send it as 'Authorization: Bearer <key>')",
          file.toAbsolutePath());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the development API key file " + file, e);
    }
  }
}
