package dev.walt.auth;

import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Requests per minute per API key: a fixed one-minute window counted in PostgreSQL (one row per key,
 * upserted on every request, windows aligned on the database clock), so that the limit holds across
 * every API replica.
 */
@Component
public class RateLimiter {

  private final JdbcClient jdbc;

  RateLimiter(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * The state of a window after counting one request.
   *
   * @param count requests in the current window, this one included
   * @param resetSeconds seconds until the window ends (at least 1)
   */
  public record Window(int limit, long count, long resetSeconds) {
    public boolean exceeded() {
      return count > limit;
    }

    public long remaining() {
      return Math.max(0, limit - count);
    }
  }

  public Window hit(UUID apiKeyId, int limit) {
    return jdbc.sql("""
            INSERT INTO api_rate_windows AS w (api_key_id, window_start, request_count)
            VALUES (?, date_trunc('minute', now()), 1)
            ON CONFLICT (api_key_id) DO UPDATE
              SET request_count = CASE WHEN w.window_start = excluded.window_start THEN w.request_count + 1 ELSE 1 END,
                  window_start = excluded.window_start
            RETURNING request_count,
                      GREATEST(1, CEIL(EXTRACT(EPOCH FROM (window_start + interval '1 minute' - now()))))::bigint AS reset""")
        .param(apiKeyId)
        .query((rs, n) -> new Window(limit, rs.getLong("request_count"), rs.getLong("reset")))
        .single();
  }
}
