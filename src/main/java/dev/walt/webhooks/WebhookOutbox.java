package dev.walt.webhooks;

import dev.walt.jobs.Job;
import dev.walt.jobs.JobFinishedListener;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Writes a delivery when a job finishes, in the same transaction: the event exists if and only if the
 * state change committed, and it survives any restart.
 */
@Component
class WebhookOutbox implements JobFinishedListener {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final WebhookDeliveries deliveries;

  WebhookOutbox(WebhookDeliveries deliveries) {
    this.deliveries = deliveries;
  }

  @Override
  public void jobFinished(Job job) {
    jobsFinished(List.of(job));
  }

  /** One statement for all the events of a transaction (a batched completion finishes many jobs). */
  @Override
  public void jobsFinished(List<Job> jobs) {
    List<WebhookDeliveries.NewEvent> events = new ArrayList<>(jobs.size());
    for (Job job : jobs) {
      UUID apiKeyId = job.apiKeyId();
      if (apiKeyId == null) {
        continue; // the key is gone: nothing could sign the event
      }
      WebhookPayloads.eventType(job.status()).ifPresent(type -> events.add(new WebhookDeliveries.NewEvent(
          newMessageId(), job.id(), apiKeyId, type, job.webhookUrl(), WebhookPayloads.envelope(type, job))));
    }
    deliveries.insertAll(events);
  }

  /** {@code msg_} and 128 random bits, URL-safe. */
  static String newMessageId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return "msg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
