package io.baton.config;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every setting Baton reads, with its default and what it does. This enum is the single source of truth: the
 * README's configuration table lists exactly these names (a test checks it), and an unknown {@code BATON_*} name in
 * the configuration file stops start-up.
 */
public enum Setting {
    CONFIG_FILE("BATON_CONFIG_FILE", "", false,
            "Optional properties file with any of these settings (environment variables win over the file). "
                    + "Keys starting with `org.quartz.` are passed to Quartz as overrides."),
    DB_URL("BATON_DB_URL", "", false,
            "JDBC URL of an external PostgreSQL, e.g. `jdbc:postgresql://db:5432/baton`. Empty: Baton starts an "
                    + "embedded PostgreSQL 17 in `BATON_DATA_DIR`."),
    DB_USER("BATON_DB_USER", "postgres", false, "Database user."),
    DB_PASSWORD("BATON_DB_PASSWORD", "", true, "Database password (never logged)."),
    DB_POOL_SIZE("BATON_DB_POOL_SIZE", "20", false,
            "Maximum connections in this node's pool; must exceed `BATON_WORKER_THREADS` by at least 4."),
    DATA_DIR("BATON_DATA_DIR", ".baton", false,
            "Directory for the embedded PostgreSQL's data (`<dir>/postgres`) and its password "
                    + "(`<dir>/postgres-password`); survives restarts."),
    EMBEDDED_DB_PORT("BATON_EMBEDDED_DB_PORT", "0", false,
            "Port of the embedded PostgreSQL; 0 picks a free port at each start (the URL is printed)."),
    HTTP_HOST("BATON_HTTP_HOST", "0.0.0.0", false, "Interface the HTTP server binds."),
    HTTP_PORT("BATON_HTTP_PORT", "8080", false, "HTTP port (0 picks a free port)."),
    ADMIN_API_KEY("BATON_ADMIN_API_KEY", "", true,
            "Bearer key for `/admin/api` (at least 24 characters). Empty with the embedded database: one is generated "
                    + "at first start, printed once, and only its SHA-256 kept in `BATON_DATA_DIR`. Empty with "
                    + "`BATON_DB_URL`: the admin API answers 401 until a key is set."),
    TOKEN_KEY("BATON_TOKEN_KEY", "", true,
            "Secret (32+ characters, the same on every node) from which resume tokens are derived; never stored in the "
                    + "database. Empty with the embedded database: generated once into `BATON_DATA_DIR`. Empty with "
                    + "`BATON_DB_URL`: steps that wait for a token fail."),
    SECRET_KEY("BATON_SECRET_KEY", "", true,
            "AES-256 key(s) that encrypt the secrets Baton keeps in the database (signing secrets of waits): "
                    + "`<id>:<base64 of 32 bytes>`, e.g. `k1:$(openssl rand -base64 32)`, the same on every node. "
                    + "Several keys are comma-separated: the first encrypts, every one decrypts (rotation: add the new "
                    + "key last everywhere, then move it first; nodes re-encrypt as they start). Empty with the "
                    + "embedded database: generated once "
                    + "into `BATON_DATA_DIR`. Empty with `BATON_DB_URL`: steps that open a signed wait fail."),
    CALLBACK_ALLOW("BATON_CALLBACK_ALLOW", "", false,
            "IP blocks callbacks may reach although they are not public (comma-separated, e.g. `127.0.0.1/32,::1`), "
                    + "for local development and tests. Empty: only public addresses (see Outbound callbacks)."),
    CALLBACK_TIMEOUT("BATON_CALLBACK_TIMEOUT", "10s", false,
            "Longest one attempt to send a callback may take (connect, send, answer); longer counts as a failure."),
    CALLBACK_RETRY_SCHEDULE("BATON_CALLBACK_RETRY_SCHEDULE", "5s,5m,30m,2h,5h,10h,14h,20h,20h", false,
            "Delays before each retry of a callback after the first attempt (each ±20 % jitter; about three days "
                    + "in all); after the last the delivery is dead (kept, and can be replayed)."),
    CALLBACK_CONCURRENCY("BATON_CALLBACK_CONCURRENCY", "8", false,
            "Attempts in flight to one endpoint from one node: a slow endpoint never delays the others."),
    CALLBACK_DISABLE_AFTER("BATON_CALLBACK_DISABLE_AFTER", "5d", false,
            "An endpoint whose every attempt has failed for this long is disabled, with the reason."),
    RETENTION("BATON_RETENTION", "30d", false,
            "How long finished outbox events (with their deliveries and attempts), inbound delivery logs and consumed "
                    + "or expired inbox rows are kept; a receipt stays answerable at least this long."),
    PUBLIC_URL("BATON_PUBLIC_URL", "http://localhost:8080", false,
            "Base URL the outside world reaches this cluster at; resume URLs are `<it>/hooks/<token>`. Unset: "
                    + "`http://localhost:<BATON_HTTP_PORT>`."),
    WEBHOOK_MAX_BODY("BATON_WEBHOOK_MAX_BODY", "262144", false,
            "Largest accepted webhook body in bytes (256 KiB); larger ones get 413."),
    BULK_MAX("BATON_BULK_MAX", "10000", false,
            "Most tasks one admin bulk operation may act on; a dry run over more selects this many (oldest first) and "
                    + "says how many it left out."),
    EVENT_SOURCES("BATON_EVENT_SOURCES", "", false,
            "Event sources, `;`-separated, each `name,scheme,correlation-pointer,buffer-ttl`, e.g. "
                    + "`payments,stripe,/data/object/metadata/order,1h`; scheme is `standard-webhooks`, `github`, "
                    + "`stripe` or `none`. Each source's secret is `BATON_EVENT_SECRET_<NAME>` (upper case, `-` as `_`)."),
    NODE_ID("BATON_NODE_ID", "", false,
            "Unique id of this node in the cluster. Empty: `<hostname>-<pid>-<random>`."),
    CLUSTER_NAME("BATON_CLUSTER_NAME", "baton", false,
            "Quartz scheduler name; nodes with the same name and database form one cluster."),
    WORKER_THREADS("BATON_WORKER_THREADS", "8", false,
            "Threads that run steps on this node; the node claims at most this many tasks at a time."),
    CHECKIN_INTERVAL("BATON_CHECKIN_INTERVAL", "1s", false,
            "How often a node writes its heartbeat to the cluster table (Quartz `clusterCheckinInterval`)."),
    FAILURE_GRACE("BATON_FAILURE_GRACE", "1s", false,
            "Extra silence after a missed check-in before a node is declared dead (Quartz hard-codes 7.5 s)."),
    IDLE_WAIT("BATON_IDLE_WAIT", "2s", false,
            "How long an idle Quartz scheduler waits between polls for its own housekeeping triggers (at least 1s); "
                    + "tasks do not use Quartz triggers."),
    DB_RETRY_INTERVAL("BATON_DB_RETRY_INTERVAL", "1s", false,
            "Pause before the scheduler retries after losing the database (Quartz default 15 s)."),
    SHUTDOWN_GRACE("BATON_SHUTDOWN_GRACE", "30s", false,
            "On SIGTERM, how long running work may finish before the node stops anyway."),
    POLL_INTERVAL("BATON_POLL_INTERVAL", "500ms", false,
            "How often a node looks for due work (tasks, sleeps, retries, wait deadlines) when nothing wakes it "
                    + "sooner; new work wakes it at once through PostgreSQL LISTEN/NOTIFY."),
    SLICE_MAX_STEPS("BATON_SLICE_MAX_STEPS", "50", false,
            "Most steps one claim runs back to back before the task yields its thread (and is re-queued)."),
    SLICE_MAX_TIME("BATON_SLICE_MAX_TIME", "1s", false,
            "Longest one claim runs steps back to back before yielding (checked between steps)."),
    RECONCILE_INTERVAL("BATON_RECONCILE_INTERVAL", "5s", false,
            "How often each node looks for tasks left RUNNING by a node that is gone (a backstop: failure detection "
                    + "re-queues them at once)."),
    STALE_AFTER("BATON_STALE_AFTER", "10s", false,
            "How long a task may stay RUNNING under this node with no thread here running it before the reconciler "
                    + "re-queues it."),
    MAX_BACKLOG("BATON_MAX_BACKLOG", "100000", false,
            "Bound on the ready backlog (tasks due but not yet claimed) of the whole cluster; beyond it starts are "
                    + "refused (HTTP 429 with `Retry-After`, `BacklogFullException` in Java). 0: no bound."),
    MAX_BACKLOG_PER_AGENT("BATON_MAX_BACKLOG_PER_AGENT", "0", false,
            "The same bound for each agent's own backlog. 0: no bound."),
    AGENTS_DIR("BATON_AGENTS_DIR", "", false,
            "Directory of agent jars for the server (each with a `META-INF/services/io.baton.agent.AgentProvider`)."),
    FAULT_POINT("BATON_FAULT_POINT", "", false,
            "Chaos testing only: `<point>[:<step>]` halts the process like `kill -9` when it reaches `before-step-body`, "
                    + "`after-step-body` or `after-checkpoint` (of that step); `no-fence` turns the checkpoint fence off "
                    + "(a stale attempt's checkpoint lands: a deliberately broken build, to show the chaos suite catches "
                    + "it)."),
    LOG_LEVEL("BATON_LOG_LEVEL", "INFO", false,
            "Root log level of the server (`TRACE`..`ERROR`); read by its logback configuration."),
    LOG_FORMAT("BATON_LOG_FORMAT", "text", false,
            "`text` (one readable line per event) or `json` (one JSON object per line: time, level, thread, logger, "
                    + "taskId, message, error); read by its logback configuration. Both mask tokens, keys and secrets.");

    private final String envName;
    private final String defaultValue;
    private final boolean secret;
    private final String description;

    Setting(String envName, String defaultValue, boolean secret, String description) {
        this.envName = envName;
        this.defaultValue = defaultValue;
        this.secret = secret;
        this.description = description;
    }

    public String envName() {
        return envName;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public boolean secret() {
        return secret;
    }

    public String description() {
        return description;
    }

    public static Optional<Setting> byEnvName(String name) {
        return Arrays.stream(values()).filter(s -> s.envName.equals(name)).findFirst();
    }
}
