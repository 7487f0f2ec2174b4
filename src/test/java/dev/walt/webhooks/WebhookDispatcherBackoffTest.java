package dev.walt.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WebhookDispatcherBackoffTest {

  @Test
  void backoffDoublesWithEqualJitterUpToTheCap() {
    WebhookDispatcher dispatcher = new WebhookDispatcher(null, null, WebhookSettings.defaults(),
        new SimpleMeterRegistry());
    for (int i = 0; i < 200; i++) {
      // 5 s, 10 s, 20 s ... each drawn from [half, whole]
      assertThat(dispatcher.backoff(1)).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(5));
      assertThat(dispatcher.backoff(3)).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(20));
      // capped at 1 h
      assertThat(dispatcher.backoff(12)).isBetween(Duration.ofMinutes(30), Duration.ofHours(1));
      assertThat(dispatcher.backoff(500)).isBetween(Duration.ofMinutes(30), Duration.ofHours(1));
    }
  }
}
