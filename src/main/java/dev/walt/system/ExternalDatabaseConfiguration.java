package dev.walt.system;

import java.util.Objects;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** With {@code walt.db.url} set, the DataSource connects to that external PostgreSQL. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnSetting("walt.db.url")
class ExternalDatabaseConfiguration {

  @Bean
  DatabaseConnection databaseConnection(DatabaseSettings settings) {
    return new DatabaseConnection(
        Objects.requireNonNull(settings.url()).trim(),
        settings.user() == null ? "" : settings.user(),
        settings.password() == null ? "" : settings.password());
  }
}
