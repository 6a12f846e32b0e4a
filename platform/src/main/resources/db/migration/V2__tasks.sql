-- Baton tasks and their step history.
--
-- baton_task.attempt is the fencing token: it grows by one at every claim, and every checkpoint is guarded by
-- "id = ? AND attempt = ? AND state = 'RUNNING'". version grows at every change (optimistic concurrency).
CREATE TABLE baton_task
(
    id              UUID PRIMARY KEY,
    agent           TEXT        NOT NULL,
    state           TEXT        NOT NULL CHECK (state IN ('RUNNABLE', 'RUNNING', 'WAITING', 'SLEEPING',
                                                          'SUCCEEDED', 'FAILED', 'CANCELLED')),
    input           JSONB       NOT NULL,
    context         JSONB       NOT NULL,
    next_step       TEXT,
    step_seq        INT         NOT NULL DEFAULT 0,
    step_attempt    INT         NOT NULL DEFAULT 0,
    attempt         BIGINT      NOT NULL DEFAULT 0,
    owner           TEXT,
    version         BIGINT      NOT NULL DEFAULT 0,
    idempotency_key TEXT,
    result          JSONB,
    error           JSONB,
    wake_at         TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    finished_at     TIMESTAMPTZ,
    CONSTRAINT baton_task_idempotency UNIQUE (agent, idempotency_key)
);

CREATE INDEX baton_task_unfinished ON baton_task (state, updated_at)
    WHERE state IN ('RUNNABLE', 'RUNNING', 'SLEEPING');

-- One row per checkpoint: (task_id, seq) makes a second checkpoint of the same step impossible.
CREATE TABLE baton_step
(
    task_id     UUID        NOT NULL REFERENCES baton_task (id) ON DELETE CASCADE,
    seq         INT         NOT NULL,
    step_name   TEXT        NOT NULL,
    outcome     TEXT        NOT NULL,
    tries       INT         NOT NULL,
    attempt     BIGINT      NOT NULL,
    node        TEXT        NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (task_id, seq)
);

-- Checkpoints rejected because their attempt had been superseded (the node was declared dead, or the task was
-- cancelled, while the step ran). Kept for operators and the chaos suite.
CREATE TABLE baton_fenced_checkpoint
(
    id        BIGSERIAL PRIMARY KEY,
    task_id   UUID        NOT NULL,
    step_name TEXT        NOT NULL,
    attempt   BIGINT      NOT NULL,
    node      TEXT        NOT NULL,
    at        TIMESTAMPTZ NOT NULL
);
