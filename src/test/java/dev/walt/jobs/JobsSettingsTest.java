package dev.walt.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class JobsSettingsTest {

  @Test
  void backoffDoublesFromTheBaseAndStopsAtTheCap() {
    JobsSettings settings = JobsSettings.defaults(); // 10 s, capped at 10 min

    assertThat(settings.backoffAfter(1)).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.backoffAfter(2)).isEqualTo(Duration.ofSeconds(20));
    assertThat(settings.backoffAfter(3)).isEqualTo(Duration.ofSeconds(40));
    assertThat(settings.backoffAfter(6)).isEqualTo(Duration.ofSeconds(320));
    assertThat(settings.backoffAfter(7)).isEqualTo(Duration.ofMinutes(10));
    assertThat(settings.backoffAfter(1000)).isEqualTo(Duration.ofMinutes(10));
    assertThat(settings.backoffAfter(0)).isEqualTo(Duration.ofSeconds(10));
  }
}
