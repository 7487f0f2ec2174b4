package dev.walt.webhooks;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import dev.walt.system.SqlArrays;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Every statement on {@code webhook_deliveries}, the outbox. A row is one event for one URL; its id is
 * the {@code webhook-id} header, the same on every attempt, so receivers can drop duplicates.
 */
@Repository
class WebhookDeliveries {

  /** A delivery taken by this instance for one attempt. */
  record Due(String id, UUID jobId, String eventType, String url, String payload, int attempts,
      Instant createdAt, @Nullable String secret) {}

  private final JdbcClient jdbc;

  WebhookDeliveries(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** An event to write: its URL is the job's own, or else (when null) its key's default. */
  record NewEvent(String id, UUID jobId, UUID apiKeyId, String eventType, @Nullable String jobUrl, String payload) {}

  /**
   * Writes events in the caller's transaction (the one that finished their jobs), in one statement.
   * An event goes to its job's own URL or else its key's default; it is not written when there is
   * neither, or when the key is gone (without its secret nothing can be signed). Reads
   * {@code api_keys}, never writes it.
   *
   * @return the keys, among those of events without a URL of their own, that exist and have no default
   *     URL (their events were not written)
   */
  Set<UUID> insertAll(List<NewEvent> events) {
    if (events.isEmpty()) {
      return Set.of();
    }
    int n = events.size();
    Object[] ids = new Object[n];
    Object[] jobs = new Object[n];
    Object[] keys = new Object[n];
    Object[] types = new Object[n];
    Object[] urls = new Object[n];
    Object[] payloads = new Object[n];
    for (int i = 0; i < n; i++) {
      NewEvent e = events.get(i);
      ids[i] = e.id();
      jobs[i] = e.jobId();
      keys[i] = e.apiKeyId();
      types[i] = e.eventType();
      urls[i] = e.jobUrl();
      payloads[i] = e.payload();
    }
    return new HashSet<>(jdbc.sql(
            """
            WITH e AS (
                SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:jobs AS uuid[]), CAST(:keys AS uuid[]),
                                     CAST(:types AS text[]), CAST(:urls AS text[]), CAST(:payloads AS text[]))
                         AS e(id, job_id, api_key_id, event_type, url, payload)),
            written AS (
                INSERT INTO webhook_deliveries (id, job_id, api_key_id, event_type, url, payload)
                SELECT e.id, e.job_id, k.id, e.event_type, coalesce(e.url, k.default_webhook_url), e.payload
                FROM e JOIN api_keys k ON k.id = e.api_key_id
                WHERE coalesce(e.url, k.default_webhook_url) IS NOT NULL
                RETURNING 1)
            SELECT DISTINCT k.id FROM e JOIN api_keys k ON k.id = e.api_key_id
            WHERE e.url IS NULL AND k.default_webhook_url IS NULL
            """)
        .param("ids", SqlArrays.of("text", ids))
        .param("jobs", SqlArrays.of("uuid", jobs))
        .param("keys", SqlArrays.of("uuid", keys))
        .param("types", SqlArrays.of("text", types))
        .param("urls", SqlArrays.of("text", urls))
        .param("payloads", SqlArrays.of("text", payloads))
        .query((rs, row) -> rs.getObject(1, UUID.class))
        .list());
  }

  /**
   * Takes due deliveries for this instance: {@code SKIP LOCKED} so that instances never take the same
   * row at once, and {@code locked_until} so that no other instance takes it while this one is sending
   * (the row lock ends with this short transaction; the HTTP call happens outside it). A crashed
   * instance's rows come back once their lock ran out. The attempt counter grows here and guards the
   * write of the outcome. The payload is sent exactly as it was stored, the same bytes on every attempt.
   */
  List<Due> claimDue(int batch, Duration lock) {
    return jdbc.sql(
            """
            WITH due AS (
                SELECT id FROM webhook_deliveries
                WHERE status = 'pending' AND next_attempt_at <= now()
                  AND (locked_until IS NULL OR locked_until < now())
                ORDER BY next_attempt_at
                LIMIT :batch
                FOR UPDATE SKIP LOCKED),
            taken AS (
                UPDATE webhook_deliveries d
                SET locked_until = now() + :lockMs * interval '1 millisecond', attempts = d.attempts + 1
                FROM due WHERE d.id = due.id
                RETURNING d.*)
            SELECT t.id, t.job_id, t.event_type, t.url, t.payload, t.attempts, t.created_at,
                   k.webhook_secret
            FROM taken t LEFT JOIN api_keys k ON k.id = t.api_key_id
            ORDER BY t.next_attempt_at
            """)
        .param("batch", batch)
        .param("lockMs", lock.toMillis())
        .query((rs, n) -> new Due(
            rs.getString("id"),
            rs.getObject("job_id", UUID.class),
            rs.getString("event_type"),
            rs.getString("url"),
            rs.getString("payload"),
            rs.getInt("attempts"),
            rs.getObject("created_at", OffsetDateTime.class).toInstant(),
            rs.getString("webhook_secret")))
        .list();
  }

  /** The receiver answered 2xx. Guarded by the attempt: a newer attempt's outcome is not overwritten. */
  boolean delivered(String id, int attempt, int status) {
    return jdbc.sql(
            """
            UPDATE webhook_deliveries
            SET status = 'delivered', delivered_at = now(), last_status = :status, last_error = NULL,
                locked_until = NULL
            WHERE id = :id AND attempts = :attempt AND status = 'pending'
            """)
        .param("id", id)
        .param("attempt", attempt)
        .param("status", status)
        .update()
        == 1;
  }

  /**
   * The attempt failed: due again after the backoff, or {@code failed} for good once the next attempt
   * would fall past the retry window (counted from the row's creation, on the database clock).
   */
  boolean attemptFailed(String id, int attempt, @Nullable Integer status, String error, Duration backoff,
      Duration retryFor) {
    return jdbc.sql(
            """
            UPDATE webhook_deliveries
            SET status = CASE WHEN now() + :backoffMs * interval '1 millisecond'
                                   > created_at + :retryForMs * interval '1 millisecond'
                              THEN 'failed' ELSE 'pending' END,
                next_attempt_at = now() + :backoffMs * interval '1 millisecond',
                last_status = :status, last_error = :error, locked_until = NULL
            WHERE id = :id AND attempts = :attempt AND status = 'pending'
            """)
        .param("id", id)
        .param("attempt", attempt)
        .param("status", status)
        .param("error", error.length() > 500 ? error.substring(0, 500) : error)
        .param("backoffMs", backoff.toMillis())
        .param("retryForMs", retryFor.toMillis())
        .update()
        == 1;
  }

  /** The delivery cannot ever succeed (no signing secret, URL no longer allowed): failed at once. */
  void giveUp(String id, int attempt, String error) {
    jdbc.sql(
            """
            UPDATE webhook_deliveries SET status = 'failed', last_error = :error, locked_until = NULL
            WHERE id = :id AND attempts = :attempt AND status = 'pending'
            """)
        .param("id", id)
        .param("attempt", attempt)
        .param("error", error)
        .update();
  }
}
