package dev.walt.webhooks;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Webhook delivery ({@code walt.webhooks.*}).
 *
 * @param enabled whether this instance sends due deliveries (the outbox is written regardless);
 *     default {@code true}
 * @param allowHttp accept {@code http://} URLs, not only {@code https://}; default: {@code true} in
 *     the embedded default (no {@code walt.db.url}: a developer's machine), else {@code false}
 * @param allowPrivateAddresses accept URLs whose host resolves to loopback, private, link-local,
 *     unique-local, multicast or otherwise non-public addresses; default: {@code true} in the embedded
 *     default (webhooks to a local receiver), else {@code false}
 * @param connectTimeout TCP/TLS connect timeout per attempt; default {@code 5s}
 * @param readTimeout how long a receiver may take to answer; default {@code 10s}
 * @param retryFor how long a delivery is retried from its creation before it is given up as
 *     {@code failed}; default {@code 24h}
 * @param initialBackoff the delay after the first failure, doubled after each further one (with
 *     jitter); default {@code 5s}
 * @param maxBackoff the longest delay between two attempts; default {@code 1h}
 * @param dispatchInterval how often every instance looks for due deliveries; default {@code 2s}
 * @param batchSize how many deliveries one instance takes per round; default {@code 10}
 * @param lockDuration how long a taken delivery is reserved for the instance sending it (other
 *     instances skip it until then; longer than a batch of timeouts); default {@code 5m}
 */
@ConfigurationProperties("walt.webhooks")
@Validated
public record WebhookSettings(
    @DefaultValue("true") boolean enabled,
    @Nullable Boolean allowHttp,
    @Nullable Boolean allowPrivateAddresses,
    @DefaultValue("5s") Duration connectTimeout,
    @DefaultValue("10s") Duration readTimeout,
    @DefaultValue("24h") Duration retryFor,
    @DefaultValue("5s") Duration initialBackoff,
    @DefaultValue("1h") Duration maxBackoff,
    @DefaultValue("2s") Duration dispatchInterval,
    @DefaultValue("10") @Min(1) @Max(1000) int batchSize,
    @DefaultValue("5m") Duration lockDuration) {

  /** The settings with every default, for code that runs outside a Spring context. */
  public static WebhookSettings defaults() {
    return new WebhookSettings(true, null, null, Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofHours(24), Duration.ofSeconds(5), Duration.ofHours(1), Duration.ofSeconds(2), 10,
        Duration.ofMinutes(5));
  }
}
