package dev.walt.auth;

import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The shared per-key windows of the rate limit ({@code api_rate_windows}): one row per key counting
 * the tokens handed out in the current minute of the database clock. One statement takes a batch of
 * tokens for a replica ({@link RateLimiter}); the row lock is held only for that statement (it runs
 * on its own, in autocommit), and since replicas take many tokens at a time, it is written about ten
 * times a second per busy key and replica rather than once per request.
 */
@Repository
class RateWindows {

  private final JdbcClient jdbc;

  RateWindows(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Adds {@code tokens} to the key's count in the current window (a new window starts from zero) and
   * says where the count stands; the caller works out how many of them were still within the limit.
   */
  RateLimiter.Reservation reserve(UUID apiKeyId, long tokens) {
    return jdbc.sql("""
            INSERT INTO api_rate_windows AS w (api_key_id, window_start, request_count)
            VALUES (:key, date_trunc('minute', now()), :tokens)
            ON CONFLICT (api_key_id) DO UPDATE
              SET request_count = CASE WHEN w.window_start = excluded.window_start
                                       THEN w.request_count + excluded.request_count
                                       ELSE excluded.request_count END,
                  window_start = excluded.window_start
            RETURNING request_count,
                      CAST(floor(extract(epoch FROM window_start) * 1000) AS bigint) AS window_start_ms,
                      CAST(greatest(0, ceil(extract(epoch FROM (window_start + interval '1 minute' - now())) * 1000))
                           AS bigint) AS reset_ms""")
        .param("key", apiKeyId)
        .param("tokens", tokens)
        .query((rs, n) -> new RateLimiter.Reservation(
            rs.getLong("window_start_ms"), rs.getLong("request_count"), rs.getLong("reset_ms")))
        .single();
  }
}
