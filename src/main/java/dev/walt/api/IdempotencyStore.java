package dev.walt.api;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * {@code Idempotency-Key} records ({@code idempotency_keys}): which job a key created and the
 * fingerprint of the request that created it. A record is written in the same transaction as its job,
 * and is forgotten after {@code walt.api.idempotency-ttl} (expired records are purged by the jobs
 * feature's retention cleanup, and replaced when their key is used again).
 */
@Component
class IdempotencyStore {

  /** A remembered key. {@code jobId} is null when the job was deleted since. */
  record Stored(byte[] fingerprint, @Nullable UUID jobId) {}

  private final JdbcClient jdbc;

  IdempotencyStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** The live (unexpired) record of this key. */
  Optional<Stored> find(UUID apiKeyId, String key) {
    return jdbc.sql("SELECT request_hash, job_id FROM idempotency_keys WHERE api_key_id = ? AND key = ? AND expires_at > now()")
        .params(apiKeyId, key)
        .query((rs, n) -> new Stored(rs.getBytes("request_hash"), rs.getObject("job_id", UUID.class)))
        .optional();
  }

  /**
   * Takes a transaction-scoped advisory lock on the key; false when another transaction holds it,
   * that is, when a request with the same key is being created right now. Call inside a transaction.
   */
  boolean tryLock(UUID apiKeyId, String key) {
    return Boolean.TRUE.equals(jdbc.sql("SELECT pg_try_advisory_xact_lock(hashtextextended(?, 0))")
        .param("idempotency:" + apiKeyId + ":" + key)
        .query(Boolean.class)
        .single());
  }

  /**
   * Records the key for a job about to be inserted in this transaction, replacing an expired record;
   * false (and nothing written) when a live record exists.
   */
  boolean claim(UUID apiKeyId, String key, byte[] fingerprint, Duration ttl) {
    return jdbc.sql("""
            INSERT INTO idempotency_keys AS k (api_key_id, key, request_hash, job_id, expires_at)
            VALUES (:apiKey, :key, :hash, NULL, now() + make_interval(secs => :ttl))
            ON CONFLICT (api_key_id, key) DO UPDATE
              SET request_hash = excluded.request_hash, job_id = NULL, created_at = now(), expires_at = excluded.expires_at
              WHERE k.expires_at <= now()""")
        .param("apiKey", apiKeyId)
        .param("key", key)
        .param("hash", fingerprint)
        .param("ttl", (double) ttl.toMillis() / 1000.0)
        .update() == 1;
  }

  /** Points the key at its job (after the job row exists, same transaction). */
  void attach(UUID apiKeyId, String key, UUID jobId) {
    jdbc.sql("UPDATE idempotency_keys SET job_id = ? WHERE api_key_id = ? AND key = ?").params(jobId, apiKeyId, key).update();
  }

}
