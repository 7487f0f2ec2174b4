-- Requests per minute per API key: one fixed window per key, counted on the database clock so that the
-- limit holds across API replicas (see dev.walt.auth.RateLimiter).

CREATE TABLE api_rate_windows (
    api_key_id     uuid        PRIMARY KEY REFERENCES api_keys (id) ON DELETE CASCADE,
    window_start   timestamptz NOT NULL,
    request_count  bigint      NOT NULL
);
