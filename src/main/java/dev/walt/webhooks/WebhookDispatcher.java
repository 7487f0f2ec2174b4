package dev.walt.webhooks;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Sends due webhook deliveries (every instance, every {@code walt.webhooks.dispatch-interval}). A
 * 2xx answer delivers; anything else (another status, a timeout, a refused connection) is retried
 * with exponential backoff and jitter until {@code walt.webhooks.retry-for} after the event, then the
 * delivery is {@code failed}. Redirects are not followed: the URL was checked, its target was not.
 */
@Component
class WebhookDispatcher {

  private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

  private final WebhookDeliveries deliveries;
  private final WebhookUrlValidator validator;
  private final WebhookSettings settings;
  private final MeterRegistry meters;
  private final HttpClient http;

  WebhookDispatcher(
      WebhookDeliveries deliveries, WebhookUrlValidator validator, WebhookSettings settings, MeterRegistry meters) {
    this.deliveries = deliveries;
    this.validator = validator;
    this.settings = settings;
    this.meters = meters;
    this.http = HttpClient.newBuilder()
        .connectTimeout(settings.connectTimeout())
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /** One round: sends batches until nothing is due; returns how many attempts it made. */
  int dispatch() {
    int total = 0;
    List<WebhookDeliveries.Due> due;
    do {
      due = deliveries.claimDue(settings.batchSize(), settings.lockDuration());
      for (WebhookDeliveries.Due delivery : due) {
        send(delivery);
      }
      total += due.size();
    } while (due.size() == settings.batchSize());
    return total;
  }

  private void send(WebhookDeliveries.Due d) {
    if (d.secret() == null) {
      deliveries.giveUp(d.id(), d.attempts(), "the API key of the job no longer exists");
      count("failed");
      return;
    }
    URI uri;
    try {
      // again at delivery time: the name may resolve elsewhere now than when the job was created
      uri = validator.validate(d.url());
    } catch (InvalidWebhookUrlException e) {
      log.warn("webhook {} for job {} not sent: {}", d.id(), d.jobId(), e.getMessage());
      deliveries.giveUp(d.id(), d.attempts(), e.getMessage());
      count("failed");
      return;
    }
    long timestamp = System.currentTimeMillis() / 1000;
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(settings.readTimeout())
        .header("content-type", "application/json")
        .header("user-agent", "walt-webhooks")
        .header("webhook-id", d.id())
        .header("webhook-timestamp", Long.toString(timestamp))
        .header("webhook-signature", WebhookSigner.sign(d.secret(), d.id(), timestamp, d.payload()))
        .POST(HttpRequest.BodyPublishers.ofString(d.payload(), StandardCharsets.UTF_8))
        .build();
    Integer status = null;
    String error;
    try {
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      status = response.statusCode();
      if (status >= 200 && status < 300) {
        deliveries.delivered(d.id(), d.attempts(), status);
        log.debug("webhook {} {} delivered to {} ({})", d.id(), d.eventType(), uri.getHost(), status);
        count("delivered");
        return;
      }
      error = "the receiver answered " + status;
    } catch (IOException e) {
      error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      error = "interrupted";
    }
    Duration backoff = backoff(d.attempts());
    deliveries.attemptFailed(d.id(), d.attempts(), status, error, backoff, settings.retryFor());
    log.info("webhook {} {} attempt {} to {} failed ({}); next in about {}s", d.id(), d.eventType(),
        d.attempts(), uri.getHost(), error, backoff.toSeconds());
    count("retry");
  }

  /** Doubling from the initial backoff, capped, then "equal jitter": between half and all of it. */
  Duration backoff(int failedAttempts) {
    int doublings = Math.max(0, Math.min(failedAttempts - 1, 30));
    long max = settings.maxBackoff().toMillis();
    long millis = settings.initialBackoff().toMillis() << doublings;
    if (millis <= 0 || millis > max) {
      millis = max;
    }
    long half = millis / 2;
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
  }

  private void count(String outcome) {
    meters.counter("walt.webhooks.attempts", "status", outcome).increment();
  }
}
