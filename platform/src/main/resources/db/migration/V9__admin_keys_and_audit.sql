-- Admin API keys with roles (only the SHA-256 of each key is stored) and the audit log of admin changes.
CREATE TABLE baton_api_key
(
    id         UUID PRIMARY KEY,
    name       TEXT        NOT NULL,
    role       TEXT        NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    prefix     TEXT        NOT NULL,
    hash       TEXT        NOT NULL UNIQUE,
    created_by TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);

CREATE TABLE baton_audit
(
    id         BIGSERIAL PRIMARY KEY,
    at         TIMESTAMPTZ NOT NULL,
    key_id     TEXT        NOT NULL,
    role       TEXT        NOT NULL,
    action     TEXT        NOT NULL,
    target     TEXT,
    parameters JSONB       NOT NULL,
    result     TEXT        NOT NULL
);

CREATE INDEX baton_audit_at ON baton_audit (at);
CREATE INDEX baton_audit_target ON baton_audit (target, id);

-- Listing tasks by agent and state, newest first, page after page (keyset on created_at, id).
CREATE INDEX baton_task_listing ON baton_task (agent, state, created_at DESC, id DESC);
CREATE INDEX baton_task_created ON baton_task (created_at DESC, id DESC);
