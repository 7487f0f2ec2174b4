-- Service-wide facts as key/value pairs (schema owner, creation time); lets Flyway run from day one.
CREATE TABLE walt_meta (
    key        text        PRIMARY KEY,
    value      text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO walt_meta (key, value) VALUES ('schema_owner', 'walt'), ('created_at', now()::text);
