package dev.walt.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walt.jobs.Job;
import dev.walt.jobs.JobStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The outbox's events for finished jobs, against a recording stand-in for the table: one write per
 * transaction, the job's own URL passed on, and no write at all for URL-less jobs of a key known to
 * have no default URL.
 */
class WebhookOutboxTest {

  /** Records what would be written; answers as the table would for keys without a default URL. */
  static final class RecordingDeliveries extends WebhookDeliveries {
    final List<List<NewEvent>> writes = new ArrayList<>();
    final Set<UUID> keysWithoutDefault;

    RecordingDeliveries(Set<UUID> keysWithoutDefault) {
      super(Mockito.mock(JdbcClient.class));
      this.keysWithoutDefault = keysWithoutDefault;
    }

    @Override
    Set<UUID> insertAll(List<NewEvent> events) {
      writes.add(List.copyOf(events));
      Set<UUID> learnt = new java.util.HashSet<>();
      for (NewEvent e : events) {
        if (e.jobUrl() == null && keysWithoutDefault.contains(e.apiKeyId())) {
          learnt.add(e.apiKeyId());
        }
      }
      return learnt;
    }
  }

  static Job finished(@Nullable UUID apiKeyId, JobStatus status, @Nullable String webhookUrl) {
    Instant now = Instant.now();
    return new Job(UUID.randomUUID(), UUID.randomUUID(), apiKeyId, status, 0, "p", null, 17, 128, 128, 8, 1L, 1, 5f,
        null, webhookUrl, Map.of(), 1, 3, false, 100, null, null, null,
        status == JobStatus.COMPLETED ? "v" : null, status == JobStatus.COMPLETED ? "t" : null, null, null,
        now, now, now, now.plusSeconds(60));
  }

  @Test
  void theEventsOfATransactionAreOneWrite() {
    UUID key = UUID.randomUUID();
    RecordingDeliveries deliveries = new RecordingDeliveries(Set.of());
    WebhookOutbox outbox = new WebhookOutbox(deliveries);
    outbox.jobsFinished(List.of(finished(key, JobStatus.COMPLETED, "https://a.example/h"),
        finished(key, JobStatus.FAILED, null), finished(key, JobStatus.CANCELLED, null)));
    assertThat(deliveries.writes).hasSize(1);
    assertThat(deliveries.writes.get(0)).extracting(WebhookDeliveries.NewEvent::eventType)
        .containsExactly("video.completed", "video.failed", "video.cancelled");
    assertThat(deliveries.writes.get(0).get(0).jobUrl()).isEqualTo("https://a.example/h");
    assertThat(deliveries.writes.get(0).get(0).id()).startsWith("msg_");
    assertThat(deliveries.writes.get(0).get(0).payload()).contains("\"type\":\"video.completed\"");
  }

  @Test
  void urlLessJobsOfAKeyWithoutADefaultUrlWriteNothingOnceThatIsKnown() {
    UUID bare = UUID.randomUUID();
    UUID withDefault = UUID.randomUUID();
    RecordingDeliveries deliveries = new RecordingDeliveries(Set.of(bare));
    WebhookOutbox outbox = new WebhookOutbox(deliveries);

    outbox.jobFinished(finished(bare, JobStatus.COMPLETED, null)); // learns that `bare` has no default
    outbox.jobFinished(finished(bare, JobStatus.COMPLETED, null));
    outbox.jobFinished(finished(bare, JobStatus.FAILED, null));
    assertThat(deliveries.writes).hasSize(1);

    // a job of that key with its own URL still sends; other keys are asked as before
    outbox.jobFinished(finished(bare, JobStatus.COMPLETED, "https://own.example/h"));
    outbox.jobFinished(finished(withDefault, JobStatus.COMPLETED, null));
    outbox.jobFinished(finished(withDefault, JobStatus.COMPLETED, null));
    assertThat(deliveries.writes).hasSize(4);
    // a job whose key is gone has no event at all
    outbox.jobFinished(finished(null, JobStatus.COMPLETED, "https://own.example/h"));
    assertThat(deliveries.writes).hasSize(4);
  }
}
