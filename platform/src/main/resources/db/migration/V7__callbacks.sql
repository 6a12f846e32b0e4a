-- Outbound callbacks. A client registers an endpoint (baton_callback) for event types; every event with an endpoint
-- to go to is written to the outbox (baton_event) in the transaction of the state change that caused it, with one
-- baton_callback_delivery row per endpoint; senders claim due deliveries in batches and log each attempt.

CREATE TABLE baton_callback (
    id                     UUID PRIMARY KEY,
    url                    TEXT        NOT NULL,
    event_types            TEXT[]      NOT NULL,
    agent                  TEXT,
    description            TEXT,
    secret_key_id          TEXT        NOT NULL,
    secret                 TEXT        NOT NULL, -- sealed (io.baton.secret.SecretBox), never plain text
    previous_secret_key_id TEXT,
    previous_secret        TEXT,
    previous_until         TIMESTAMPTZ,
    enabled                BOOLEAN     NOT NULL DEFAULT true,
    disabled_reason        TEXT,
    failing_since          TIMESTAMPTZ,
    created_at             TIMESTAMPTZ NOT NULL,
    updated_at             TIMESTAMPTZ NOT NULL
);

CREATE TABLE baton_event (
    id         UUID PRIMARY KEY,
    type       TEXT        NOT NULL,
    task_id    UUID        NOT NULL,
    agent      TEXT        NOT NULL,
    wait_id    UUID,
    payload    JSONB       NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
-- A wait is announced (and resolved) once: a second event of one type for one wait is refused.
CREATE UNIQUE INDEX baton_event_per_wait ON baton_event (wait_id, type) WHERE wait_id IS NOT NULL;
CREATE INDEX baton_event_task ON baton_event (task_id);

CREATE TABLE baton_callback_delivery (
    event_id     UUID        NOT NULL REFERENCES baton_event (id) ON DELETE CASCADE,
    callback_id  UUID        NOT NULL REFERENCES baton_callback (id) ON DELETE CASCADE,
    state        TEXT        NOT NULL CHECK (state IN ('PENDING', 'DELIVERED', 'DEAD')),
    attempts     INT         NOT NULL DEFAULT 0,
    due_at       TIMESTAMPTZ NOT NULL,
    lease_owner  TEXT,
    lease_until  TIMESTAMPTZ,
    last_error   TEXT,
    delivered_at TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (event_id, callback_id)
);
CREATE INDEX baton_callback_delivery_due ON baton_callback_delivery (due_at) WHERE state = 'PENDING';
CREATE INDEX baton_callback_delivery_endpoint ON baton_callback_delivery (callback_id, created_at);

CREATE TABLE baton_callback_attempt (
    event_id         UUID        NOT NULL,
    callback_id      UUID        NOT NULL,
    attempt          INT         NOT NULL,
    node             TEXT        NOT NULL,
    at               TIMESTAMPTZ NOT NULL,
    status_code      INT,
    latency_ms       INT,
    response_excerpt TEXT,
    error            TEXT,
    PRIMARY KEY (event_id, callback_id, attempt),
    FOREIGN KEY (event_id, callback_id) REFERENCES baton_callback_delivery (event_id, callback_id) ON DELETE CASCADE
);
