package dev.walt.system;

import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.MapPropertySource;

/**
 * {@code java -jar walt.jar migrate [--walt.db.url=...]}: applies the Flyway migrations to the external
 * database ({@code walt.db.*}, from the environment, {@code application.yml} or arguments) and exits 0;
 * 1 when they fail, 2 when no external database is configured.
 *
 * <p>The Helm chart runs it once per install and upgrade in a hook Job, before any pod of the new
 * version starts; those pods run with {@code spring.flyway.enabled=false}. Only the DataSource and
 * Flyway start: no HTTP server, no worker, no model. {@code spring.flyway.enabled} is forced on here,
 * and the other {@code spring.flyway.*} settings apply as in the service.
 */
public final class MigrateCommand {

  private MigrateCommand() {}

  /** Entry point of the {@code migrate} command; returns the exit status. */
  public static int run(String[] args) {
    SpringApplication application = new SpringApplication(Migration.class);
    application.setWebApplicationType(WebApplicationType.NONE);
    application.setBannerMode(Banner.Mode.OFF);
    application.setRegisterShutdownHook(false);
    application.addInitializers(
        context -> {
          var sources = context.getEnvironment().getPropertySources();
          sources.addFirst(new MapPropertySource("waltMigrate", Map.of("spring.flyway.enabled", "true")));
        });
    try (ConfigurableApplicationContext context = application.run(args)) {
      if (!context.getBean(DatabaseSettings.class).external()) {
        System.err.println("walt migrate: walt.db.url (WALT_DB_URL) is not set; the embedded database "
            + "is migrated by the service itself at start");
        return 2;
      }
      MigrationInfo current = context.getBean(Flyway.class).info().current();
      System.out.println("walt migrate: database schema at version "
          + (current == null ? "(empty)" : current.getVersion() + " (" + current.getDescription() + ")"));
      return 0;
    } catch (RuntimeException e) {
      System.err.println("walt migrate: failed: " + rootCause(e));
      return 1;
    }
  }

  private static String rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + cause.getMessage();
  }

  /** The database settings and, with an external database, its DataSource and Flyway; nothing else. */
  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(DatabaseSettings.class)
  @ImportAutoConfiguration(PropertyPlaceholderAutoConfiguration.class)
  @Import(Migration.External.class)
  static class Migration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnSetting("walt.db.url")
    @Import(ExternalDatabaseConfiguration.class)
    @ImportAutoConfiguration({DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class})
    static class External {}
  }
}
