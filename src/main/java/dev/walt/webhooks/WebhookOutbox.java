package dev.walt.webhooks;

import dev.walt.jobs.Job;
import dev.walt.jobs.JobFinishedListener;
import java.security.SecureRandom;
import java.util.Base64;
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
    WebhookPayloads.eventType(job.status()).ifPresent(type ->
        deliveries.target(job.apiKeyId(), job.webhookUrl()).ifPresent(target ->
            deliveries.insert(newMessageId(), job.id(), target.apiKeyId(), type, target.url(),
                WebhookPayloads.envelope(type, job))));
  }

  /** {@code msg_} and 128 random bits, URL-safe. */
  static String newMessageId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return "msg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
