package dev.walt.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walt.storage.S3Connection;
import dev.walt.system.DatabaseConnection;
import dev.walt.testing.WaltIntegrationTest;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;

/** With {@code walt.db.url} and {@code walt.s3.endpoint} set, nothing embedded starts and those are used. */
@WaltIntegrationTest(properties = "walt.worker.enabled=false") // nothing here needs a worker loading the model
class ExternalServicesIT {

  @Autowired ApplicationContext context;
  @Autowired Environment environment;
  @Autowired DatabaseConnection database;
  @Autowired S3Connection s3;

  @Test
  void configuredServicesAreUsedAndNothingEmbeddedStarts() {
    assertThat(context.getBeanNamesForType(EmbeddedPostgresStartup.class)).isEmpty();
    assertThat(context.getBeanNamesForType(EmbeddedPostgresServer.class)).isEmpty();
    assertThat(context.getBeanNamesForType(EmbeddedS3Server.class)).isEmpty();
    assertThat(database.jdbcUrl()).isEqualTo(environment.getProperty("walt.db.url"));
    assertThat(database.username()).isEqualTo(environment.getProperty("walt.db.user"));
    assertThat(s3.endpoint()).isEqualTo(URI.create(environment.getRequiredProperty("walt.s3.endpoint")));
    assertThat(s3.accessKey()).isEqualTo(environment.getProperty("walt.s3.access-key"));
  }
}
