-- Waits: a task paused until a resume token or a correlated event arrives, or its deadline passes.
--
-- A wait belongs to (task, step sequence): a retried step finds the same wait and the same token. Tokens are never
-- stored: only their SHA-256 (token_hash).
CREATE TABLE baton_wait
(
    id              UUID PRIMARY KEY,
    task_id         UUID        NOT NULL REFERENCES baton_task (id) ON DELETE CASCADE,
    seq             INT         NOT NULL,
    kind            TEXT        NOT NULL CHECK (kind IN ('TOKEN', 'EVENT')),
    token_hash      TEXT UNIQUE,
    source          TEXT,
    correlation_key TEXT,
    state           TEXT        NOT NULL CHECK (state IN ('PENDING', 'OPEN', 'RESUMED', 'FAILED', 'TIMED_OUT',
                                                          'CANCELLED')),
    timeout_millis  BIGINT,
    deadline        TIMESTAMPTZ,
    max_deadline    TIMESTAMPTZ,
    resume_step     TEXT,
    timeout_step    TEXT,
    failure_step    TEXT,
    signing_secret  TEXT,
    payload         JSONB,
    payload_hash    TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    resolved_at     TIMESTAMPTZ,
    CONSTRAINT baton_wait_per_step UNIQUE (task_id, seq)
);

CREATE INDEX baton_wait_open_events ON baton_wait (source, correlation_key) WHERE state = 'OPEN';

-- Every inbound delivery that changed something or was buffered, keyed by its delivery id, with the answer it got:
-- a repeated delivery id gets the same answer.
CREATE TABLE baton_delivery
(
    source       TEXT        NOT NULL,
    delivery_id  TEXT        NOT NULL,
    payload_hash TEXT        NOT NULL,
    outcome      TEXT        NOT NULL,
    task_ids     UUID[]      NOT NULL,
    wait_id      UUID,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, delivery_id)
);

-- Deliveries that arrived before their wait opened: for a token (wait_id set) until the wait opens; for an event
-- source (source, correlation_key) until expires_at. A token delivery keeps its raw body and Standard Webhooks
-- headers, so that a wait that turns out to demand a signature can verify it when it opens.
CREATE TABLE baton_inbox
(
    id              BIGSERIAL PRIMARY KEY,
    wait_id         UUID,
    source          TEXT,
    correlation_key TEXT,
    outcome         TEXT        NOT NULL DEFAULT 'RESUMED' CHECK (outcome IN ('RESUMED', 'FAILED')),
    payload         JSONB       NOT NULL,
    payload_hash    TEXT        NOT NULL,
    delivery_id     TEXT        NOT NULL,
    body            BYTEA,
    signature       JSONB,
    received_at     TIMESTAMPTZ NOT NULL,
    expires_at      TIMESTAMPTZ,
    consumed_at     TIMESTAMPTZ
);

CREATE INDEX baton_inbox_wait ON baton_inbox (wait_id) WHERE consumed_at IS NULL;
CREATE INDEX baton_inbox_event ON baton_inbox (source, correlation_key) WHERE consumed_at IS NULL;

-- The payload (or failure reason) that resumed the task's last wait, handed to the next step.
ALTER TABLE baton_task ADD COLUMN resumed_with JSONB;
