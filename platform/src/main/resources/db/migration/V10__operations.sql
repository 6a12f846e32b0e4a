-- What operators need beyond tasks: a wait's last heartbeat, paused agents, nodes in standby, and bulk operations.

ALTER TABLE baton_wait ADD COLUMN last_heartbeat_at TIMESTAMPTZ;
-- The open waits, oldest first, page after page (keyset on created_at, id).
CREATE INDEX baton_wait_unresolved ON baton_wait (created_at, id) WHERE state IN ('PENDING', 'OPEN');

-- A paused agent's tasks stay where they are (RUNNABLE ones are not claimed) until it is resumed.
CREATE TABLE baton_agent_pause
(
    agent     TEXT PRIMARY KEY,
    paused_at TIMESTAMPTZ NOT NULL,
    paused_by TEXT        NOT NULL
);

-- Every node that has started: its version, and whether an operator put it in standby (it claims no work then).
-- Liveness is Quartz's check-in (qrtz_scheduler_state); this table only adds what Quartz does not know.
CREATE TABLE baton_node
(
    name       TEXT PRIMARY KEY,
    version    TEXT        NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    standby    BOOLEAN     NOT NULL DEFAULT false,
    updated_at TIMESTAMPTZ NOT NULL
);

-- A bulk operation: planned by a dry run (the tasks it selected, at most the cap, and for extend or resume the wait
-- each had open), applied once with its token (only the token's SHA-256 is kept). One apply holds it at a time (a lease
-- renewed every batch). Each target is marked started before it is acted on and then records what was done, so an
-- apply cut short goes on where it stopped, never acts on a task twice, and a second apply changes nothing.
CREATE TABLE baton_bulk_operation
(
    id          UUID PRIMARY KEY,
    token_hash  TEXT        NOT NULL UNIQUE,
    action      TEXT        NOT NULL,
    filter      JSONB       NOT NULL,
    parameters  JSONB       NOT NULL,
    matched     BIGINT      NOT NULL,
    created_by  TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    lease_owner UUID,
    lease_until TIMESTAMPTZ,
    applied_at  TIMESTAMPTZ,
    report      JSONB
);

CREATE TABLE baton_bulk_target
(
    operation_id UUID NOT NULL REFERENCES baton_bulk_operation (id) ON DELETE CASCADE,
    task_id      UUID NOT NULL,
    wait_id      UUID,
    outcome      TEXT CHECK (outcome IN ('started', 'applied', 'skipped', 'failed', 'interrupted')),
    detail       TEXT,
    PRIMARY KEY (operation_id, task_id)
);
