package dev.walt.webhooks;

import dev.walt.jobs.Job;
import dev.walt.jobs.JobFinishedListener;
import dev.walt.system.RandomIds;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Writes a delivery when a job finishes, in the same transaction: the event exists if and only if the
 * state change committed, and it survives any restart.
 *
 * <p>A job without a webhook URL of its own sends its events to its key's default URL. A key's default
 * is set when the key is created and never changes (no API changes it), so once the outbox learnt that
 * a key has none, it writes nothing, and asks nothing, for that key's URL-less jobs: their completion
 * is then the guarded UPDATE and the commit alone.
 */
@Component
class WebhookOutbox implements JobFinishedListener {

  private static final int MAX_REMEMBERED_KEYS = 100_000;

  private final WebhookDeliveries deliveries;
  /** Keys known to have no default webhook URL. */
  private final Set<UUID> withoutDefaultUrl = ConcurrentHashMap.newKeySet();

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
      if (job.webhookUrl() == null && withoutDefaultUrl.contains(apiKeyId)) {
        continue; // nowhere to send it
      }
      WebhookPayloads.eventType(job.status()).ifPresent(type -> events.add(new WebhookDeliveries.NewEvent(
          newMessageId(), job.id(), apiKeyId, type, job.webhookUrl(), WebhookPayloads.envelope(type, job))));
    }
    if (events.isEmpty()) {
      return;
    }
    Set<UUID> learnt = deliveries.insertAll(events);
    if (!learnt.isEmpty()) {
      if (withoutDefaultUrl.size() > MAX_REMEMBERED_KEYS) {
        withoutDefaultUrl.clear();
      }
      withoutDefaultUrl.addAll(learnt);
    }
  }

  /** {@code msg_} and 128 random bits, URL-safe. */
  static String newMessageId() {
    byte[] bytes = RandomIds.bytes(16);
    return "msg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
