package dev.walt.embedded;

import dev.walt.storage.S3Connection;
import dev.walt.system.ConditionalOnSetting;
import dev.walt.system.DatabaseConnection;
import dev.walt.system.WaltSettings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/**
 * Starts the embedded PostgreSQL when {@code walt.db.url} is not set and the embedded S3 server when
 * {@code walt.s3.endpoint} is not set, each before the beans that connect to it (the DataSource, Flyway
 * and the object storage depend on their connection beans) and each stopped when the context closes.
 */
@Configuration(proxyBeanMethods = false)
class EmbeddedServicesConfiguration {

  /** Data folder of the embedded PostgreSQL under {@code walt.data-dir}. */
  static final String POSTGRES_DIR = "postgres";
  /** Data folder of the embedded S3 server under {@code walt.data-dir}. */
  static final String S3_DIR = "s3";
  /** Credentials of the embedded S3 server under {@code walt.data-dir}. */
  static final String S3_CREDENTIALS = "s3-credentials.properties";

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnSetting(value = "walt.db.url", present = false)
  static class Postgres {

    /** Begins the start at once, on its own thread (the first start runs {@code initdb}). */
    @Bean(destroyMethod = "close")
    EmbeddedPostgresStartup embeddedPostgres(WaltSettings walt, EmbeddedSettings settings) {
      return new EmbeddedPostgresStartup(walt.dataDir().resolve(POSTGRES_DIR), settings.postgresPort());
    }

    /** Lazy: created with the DataSource, late in the context start, so the start above runs meanwhile. */
    @Bean
    @Lazy
    DatabaseConnection databaseConnection(EmbeddedPostgresStartup startup) {
      EmbeddedPostgresServer server = startup.await();
      return new DatabaseConnection(server.jdbcUrl(), EmbeddedPostgresServer.USER, "");
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnSetting(value = "walt.s3.endpoint", present = false)
  static class S3 {

    @Bean(destroyMethod = "close")
    EmbeddedS3Server embeddedS3(WaltSettings walt, EmbeddedSettings settings) {
      return EmbeddedS3Server.start(
          walt.dataDir().resolve(S3_DIR), walt.dataDir().resolve(S3_CREDENTIALS), settings.s3Port());
    }

    @Bean
    S3Connection s3Connection(EmbeddedS3Server server) {
      return new S3Connection(
          server.endpoint(), server.credentials().accessKey(), server.credentials().secretKey());
    }
  }
}
