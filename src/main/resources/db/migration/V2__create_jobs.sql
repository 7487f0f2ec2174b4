-- Tenants, API keys, video jobs (the resource and the queue), idempotency records and the webhook outbox.

CREATE TABLE tenants (
    id          uuid        PRIMARY KEY,
    name        text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    id                   uuid        PRIMARY KEY,
    tenant_id            uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name                 text        NOT NULL,
    -- first characters of the key, shown to people to tell keys apart; never enough to use it
    prefix               text        NOT NULL,
    -- HMAC-SHA256 of the whole key under the server's pepper; the key itself is never stored
    key_hash             bytea       NOT NULL UNIQUE,
    -- Standard Webhooks signing secret ("whsec_" + base64), per key
    webhook_secret       text        NOT NULL,
    default_webhook_url  text,
    requests_per_minute  integer     NOT NULL DEFAULT 600 CHECK (requests_per_minute > 0),
    max_active_jobs      integer     NOT NULL DEFAULT 20 CHECK (max_active_jobs > 0),
    created_at           timestamptz NOT NULL DEFAULT now(),
    revoked_at           timestamptz
);

CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id);

CREATE TABLE video_jobs (
    id                uuid        PRIMARY KEY,
    tenant_id         uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    api_key_id        uuid        REFERENCES api_keys (id) ON DELETE SET NULL,
    status            text        NOT NULL DEFAULT 'queued'
                                  CHECK (status IN ('queued', 'in_progress', 'completed', 'failed', 'cancelled', 'expired')),
    priority          smallint    NOT NULL DEFAULT 0,

    -- the request
    prompt            text        NOT NULL,
    negative_prompt   text,
    frames            integer     NOT NULL CHECK (frames > 0),
    width             integer     NOT NULL CHECK (width > 0),
    height            integer     NOT NULL CHECK (height > 0),
    fps               integer     NOT NULL CHECK (fps > 0),
    seed              bigint      NOT NULL,
    steps             integer     NOT NULL CHECK (steps > 0),
    guidance_scale    real        NOT NULL CHECK (guidance_scale >= 0),
    input_image_key   text,
    webhook_url       text,
    metadata          jsonb       NOT NULL DEFAULT '{}'::jsonb,

    -- the queue
    attempt           integer     NOT NULL DEFAULT 0,
    max_attempts      integer     NOT NULL DEFAULT 3 CHECK (max_attempts > 0),
    run_after         timestamptz NOT NULL DEFAULT now(),
    lease_expires_at  timestamptz,
    worker_id         text,
    cancel_requested  boolean     NOT NULL DEFAULT false,

    -- progress and outcome
    progress          smallint    NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    stage             text,
    error_code        text,
    error_message     text,
    video_key         text,
    thumbnail_key     text,
    preview_key       text,

    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    started_at        timestamptz,
    finished_at       timestamptz,
    expires_at        timestamptz
);

-- the claim: the next queued job by priority, then age (partial: finished rows cost nothing)
CREATE INDEX video_jobs_queued_idx ON video_jobs (priority, created_at, id) WHERE status = 'queued';
-- the rescuer: running jobs by lease expiry
CREATE INDEX video_jobs_running_idx ON video_jobs (lease_expires_at) WHERE status = 'in_progress';
-- the listing: a tenant's jobs, newest first, with a stable (created_at, id) cursor
CREATE INDEX video_jobs_tenant_created_idx ON video_jobs (tenant_id, created_at DESC, id DESC);
-- active jobs per key (limits)
CREATE INDEX video_jobs_key_active_idx ON video_jobs (api_key_id) WHERE status IN ('queued', 'in_progress');
-- retention
CREATE INDEX video_jobs_expiry_idx ON video_jobs (expires_at) WHERE status IN ('completed', 'failed', 'cancelled');

CREATE TABLE idempotency_keys (
    api_key_id    uuid        NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    key           text        NOT NULL,
    -- SHA-256 of the canonical request (method, path, body)
    request_hash  bytea       NOT NULL,
    job_id        uuid        REFERENCES video_jobs (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    PRIMARY KEY (api_key_id, key)
);

CREATE INDEX idempotency_keys_expiry_idx ON idempotency_keys (expires_at);

-- The webhook outbox: a row is written in the same transaction as the job's state change.
CREATE TABLE webhook_deliveries (
    id               text        PRIMARY KEY,          -- the webhook-id header ("msg_...")
    job_id           uuid        NOT NULL,
    api_key_id       uuid        REFERENCES api_keys (id) ON DELETE CASCADE,
    event_type       text        NOT NULL CHECK (event_type IN ('video.completed', 'video.failed', 'video.cancelled')),
    url              text        NOT NULL,
    -- text, not jsonb: the exact bytes that are signed and sent, the same on every attempt
    payload          text        NOT NULL,
    status           text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    locked_until     timestamptz,
    last_status      integer,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz
);

CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
