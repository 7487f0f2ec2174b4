package dev.walt.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walt.jobs.JobFixtures;
import dev.walt.testing.WaltIntegrationTest;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The outbox's one-statement write on a real PostgreSQL: which events are written, and what it learns. */
@WaltIntegrationTest(properties = "walt.worker.enabled=false")
class WebhookOutboxIT {

  @Autowired WebhookDeliveries deliveries;
  @Autowired JdbcClient jdbc;

  WebhookDeliveries.NewEvent event(UUID key, String url) {
    return new WebhookDeliveries.NewEvent(WebhookOutbox.newMessageId(), UUID.randomUUID(), key, "video.completed", url,
        "{\"type\":\"video.completed\"}");
  }

  String urlOf(WebhookDeliveries.NewEvent e) {
    return jdbc.sql("SELECT url FROM webhook_deliveries WHERE id = ?").param(e.id()).query(String.class).optional().orElse(null);
  }

  @Test
  void eventsGoToTheJobsUrlOrElseTheKeysDefaultAndKeysWithoutOneAreReported() {
    UUID bare = JobFixtures.tenant(jdbc, null).apiKeyId();
    UUID withDefault = JobFixtures.tenant(jdbc, "https://hooks.example.com/default").apiKeyId();
    UUID gone = UUID.randomUUID();
    var own = event(bare, "https://hooks.example.com/own");
    var byDefault = event(withDefault, null);
    var ownOverDefault = event(withDefault, "https://hooks.example.com/mine");
    var nowhere = event(bare, null);
    var unsigned = event(gone, "https://hooks.example.com/x");

    Set<UUID> withoutDefault = deliveries.insertAll(List.of(own, byDefault, ownOverDefault, nowhere, unsigned));

    assertThat(withoutDefault).containsExactly(bare);
    assertThat(urlOf(own)).isEqualTo("https://hooks.example.com/own");
    assertThat(urlOf(byDefault)).isEqualTo("https://hooks.example.com/default");
    assertThat(urlOf(ownOverDefault)).isEqualTo("https://hooks.example.com/mine");
    assertThat(urlOf(nowhere)).isNull();
    assertThat(urlOf(unsigned)).isNull();
    assertThat(deliveries.insertAll(List.of())).isEmpty();
  }
}
