package io.baton.wait;

import io.baton.agent.Wait;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.persistence.JsonColumns;
import io.baton.secret.SealedColumn;
import io.baton.secret.SecretBox;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Waits, buffered deliveries (the inbox) and the delivery log. Methods take the caller's connection: a wait always
 * changes in the same transaction as its task.
 */
public final class WaitRepository {
    /** A signed wait's secret, sealed for its (task, seq): the row id may change while the wait is PENDING. */
    public static final SealedColumn SIGNING_SECRET = new SealedColumn("baton_wait", "signing_key_id",
            "signing_secret", "baton_wait.signing_secret", "task_id::text || ':' || seq");
    private static final String COLUMNS = """
            id, task_id, seq, kind, source, correlation_key, state, timeout_millis, deadline, max_deadline,
            resume_step, timeout_step, failure_step, signing_key_id, signing_secret, payload, payload_hash, created_at,
            resolved_at""";

    /**
     * PENDING while the task has not passed the step that minted the link (it may also be queued again for it, after
     * a takeover: the step's next run mints the same token); CANCELLED (its token answers 410) when the task was
     * cancelled or finished, or checkpointed that step meanwhile: a link minted too late never buffers deliveries for
     * a wait that cannot open. The task row is share-locked, so a cancel that commits first is seen, and one that comes later
     * waits for this row and cancels it with the task's other waits.
     */
    private static final String REGISTER_PENDING = """
            WITH task AS (SELECT state NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED') AND step_seq < ? AS current
                            FROM baton_task WHERE id = ? FOR SHARE)
            INSERT INTO baton_wait (id, task_id, seq, kind, token_hash, state, created_at, resolved_at)
            SELECT ?, ?, ?, 'TOKEN', ?, CASE WHEN current THEN 'PENDING' ELSE 'CANCELLED' END, ?,
                   CASE WHEN current THEN NULL ELSE ?::timestamptz END
              FROM task
            ON CONFLICT (task_id, seq) DO NOTHING""";

    private static final String OPEN = """
            INSERT INTO baton_wait (id, task_id, seq, kind, token_hash, source, correlation_key, state, timeout_millis,
                                    deadline, max_deadline, resume_step, timeout_step, failure_step, signing_key_id,
                                    signing_secret, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, 'OPEN', ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (task_id, seq) DO UPDATE
               SET kind = excluded.kind, source = excluded.source, correlation_key = excluded.correlation_key,
                   state = 'OPEN', timeout_millis = excluded.timeout_millis, deadline = excluded.deadline,
                   max_deadline = excluded.max_deadline, resume_step = excluded.resume_step,
                   timeout_step = excluded.timeout_step, failure_step = excluded.failure_step,
                   signing_key_id = excluded.signing_key_id, signing_secret = excluded.signing_secret,
                   token_hash = excluded.token_hash
             WHERE baton_wait.state = 'PENDING'
            RETURNING\s""" + COLUMNS;

    private static final String BY_TOKEN = "SELECT " + COLUMNS + " FROM baton_wait WHERE token_hash = ?";

    private static final String BY_ID = "SELECT " + COLUMNS + " FROM baton_wait WHERE id = ? FOR UPDATE";


    private static final String OPEN_FOR_EVENT = "SELECT " + COLUMNS
            + " FROM baton_wait WHERE source = ? AND correlation_key = ? AND state = 'OPEN' ORDER BY created_at"
            + " FOR UPDATE";

    private static final String RESOLVE = """
            UPDATE baton_wait SET state = ?, payload = ?::jsonb, payload_hash = ?, resolved_at = ?
             WHERE id = ? AND state = ANY(?)""";

    private static final String OPEN_DUE_FOR_UPDATE = "SELECT " + COLUMNS
            + " FROM baton_wait WHERE task_id = ? AND state = 'OPEN' AND deadline <= ? FOR UPDATE";

    /** The task's unresolved waits, locked: a cancellation locks them before the task, as deliveries do. */
    private static final String LOCK_UNRESOLVED = """
            SELECT id FROM baton_wait WHERE task_id = ? AND state = ANY(?) ORDER BY id FOR UPDATE""";

    private static final String CANCEL = """
            UPDATE baton_wait SET state = 'CANCELLED', resolved_at = ? WHERE task_id = ? AND state = ANY(?)""";

    /** Tasks whose open wait's deadline has passed, earliest first (index baton_wait_deadlines). */
    private static final String DUE_DEADLINES = """
            SELECT task_id FROM baton_wait WHERE state = 'OPEN' AND deadline <= ? ORDER BY deadline LIMIT ?""";

    private static final String EXTEND = "UPDATE baton_wait SET deadline = ? WHERE id = ? AND state = 'OPEN'";

    /** An operator's new deadline: the maximum a heartbeat may reach grows with it. */
    private static final String SET_DEADLINE = """
            UPDATE baton_wait SET deadline = ?, max_deadline = GREATEST(max_deadline, ?)
             WHERE id = ? AND state = 'OPEN'""";

    private static final String HEARD = "UPDATE baton_wait SET last_heartbeat_at = ? WHERE id = ?";


    private static final String FOR_TASK = "SELECT " + COLUMNS + " FROM baton_wait WHERE task_id = ? ORDER BY seq";

    private static final String BUFFER = """
            INSERT INTO baton_inbox (wait_id, source, correlation_key, outcome, payload, payload_hash, delivery_id,
                                     body, signature, received_at, expires_at)
            VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?::jsonb, ?, ?)""";

    private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))";

    private static final String BUFFERED_FOR_WAIT = """
            SELECT outcome, payload, payload_hash, delivery_id, body, signature, received_at FROM baton_inbox
             WHERE wait_id = ? AND consumed_at IS NULL ORDER BY id LIMIT 1""";

    private static final String CONSUME_FOR_WAIT = """
            UPDATE baton_inbox SET consumed_at = ?
             WHERE id = (SELECT id FROM baton_inbox WHERE wait_id = ? AND consumed_at IS NULL
                          ORDER BY id LIMIT 1 FOR UPDATE)
            RETURNING outcome, payload, payload_hash, delivery_id, body, signature, received_at""";

    private static final String CONSUME_EVENT = """
            UPDATE baton_inbox SET consumed_at = ?
             WHERE id = (SELECT id FROM baton_inbox
                          WHERE source = ? AND correlation_key = ? AND consumed_at IS NULL AND expires_at > ?
                          ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING outcome, payload, payload_hash, delivery_id, body, signature, received_at""";

    private static final String DELIVERY_COLUMNS = "payload_hash, outcome, task_ids, wait_id, detail";

    private static final String FIND_DELIVERY = "SELECT " + DELIVERY_COLUMNS
            + " FROM baton_delivery WHERE source = ? AND delivery_id = ?";

    private static final String FIRST_DELIVERY_FOR_WAIT = "SELECT " + DELIVERY_COLUMNS
            + " FROM baton_delivery WHERE source = ? AND wait_id = ? ORDER BY created_at LIMIT 1";

    private static final String INSERT_DELIVERY = """
            INSERT INTO baton_delivery (source, delivery_id, payload_hash, outcome, task_ids, wait_id, detail,
                                        created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""";

    private final JsonColumns columns;

    public WaitRepository(ObjectMapper json) {
        this.columns = new JsonColumns(json);
    }

    /**
     * A delivery kept for a wait that was not open yet, or for an event nobody waited for yet.
     *
     * @param signature the Standard Webhooks headers it came with ({@code webhook-id}, ...), or {@code null}
     */
    public record InboxItem(String outcome, JsonNode payload, String payloadHash, String deliveryId, byte[] body,
                            JsonNode signature, Instant receivedAt) {
    }

    /** Serialises transactions on {@code key} (an advisory lock held until commit). */
    public void lock(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LOCK)) {
            ps.setString(1, key);
            ps.execute();
        }
    }

    /** A logged delivery: the hash of its payload and the receipt it was answered with. */
    public record DeliveryRecord(String payloadHash, DeliveryReceipt receipt) {
    }

    /**
     * Registers the token's wait before the step finishes, so early deliveries can be kept (revoked at once if the
     * task no longer runs that step). Idempotent.
     */
    public void registerPending(Connection c, UUID taskId, int seq, String tokenHash, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(REGISTER_PENDING)) {
            ps.setInt(1, seq);
            ps.setObject(2, taskId);
            ps.setObject(3, UUID.randomUUID());
            ps.setObject(4, taskId);
            ps.setInt(5, seq);
            ps.setString(6, tokenHash);
            ps.setTimestamp(7, Timestamp.from(now));
            ps.setTimestamp(8, Timestamp.from(now));
            ps.executeUpdate();
        }
    }

    /**
     * Opens the wait of (task, seq), PENDING or new, with its signing secret already sealed (or {@code null}). Empty
     * if it was already past PENDING (a re-run).
     */
    public Optional<WaitRecord> open(Connection c, UUID taskId, int seq, Wait wait, String tokenHash,
                                     SecretBox.Sealed secret, Instant deadline, Instant maxDeadline, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(OPEN)) {
            ps.setObject(1, UUID.randomUUID());
            ps.setObject(2, taskId);
            ps.setInt(3, seq);
            ps.setString(4, wait.kind().name());
            ps.setString(5, tokenHash);
            ps.setString(6, wait.source());
            ps.setString(7, wait.correlationKey());
            ps.setLong(8, wait.timeout().toMillis());
            ps.setTimestamp(9, Timestamp.from(deadline));
            ps.setTimestamp(10, Timestamp.from(maxDeadline));
            ps.setString(11, wait.resumeStep());
            ps.setString(12, wait.timeoutStep());
            ps.setString(13, wait.failureStep());
            ps.setString(14, secret == null ? null : secret.keyId());
            ps.setString(15, secret == null ? null : secret.value());
            ps.setTimestamp(16, Timestamp.from(now));
            return one(ps);
        }
    }

    /** The wait of a token, locked against other deliveries until the transaction ends if {@code lock}. */
    public Optional<WaitRecord> byToken(Connection c, String tokenHash, boolean lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(lock ? BY_TOKEN + " FOR UPDATE" : BY_TOKEN)) {
            ps.setString(1, tokenHash);
            return one(ps);
        }
    }

    /** The wait with this id, locked against deliveries until the transaction ends. */
    public Optional<WaitRecord> byIdForUpdate(Connection c, UUID waitId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BY_ID)) {
            ps.setObject(1, waitId);
            return one(ps);
        }
    }

    public List<WaitRecord> openForEventForUpdate(Connection c, String source, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(OPEN_FOR_EVENT)) {
            ps.setString(1, source);
            ps.setString(2, key);
            return all(ps);
        }
    }

    public List<WaitRecord> forTask(Connection c, UUID taskId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FOR_TASK)) {
            ps.setObject(1, taskId);
            return all(ps);
        }
    }

    /** OPEN -> {@code state} (a resolution); false if the wait was not open any more. */
    public boolean resolve(Connection c, UUID waitId, WaitState state, JsonNode payload, String payloadHash,
                           Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RESOLVE)) {
            ps.setString(1, state.name());
            ps.setString(2, columns.write(payload));
            ps.setString(3, payloadHash);
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setObject(5, waitId);
            ps.setArray(6, c.createArrayOf("text", WaitState.sourcesOf(state)));
            return ps.executeUpdate() == 1;
        }
    }

    /** The task's open wait whose deadline has passed, locked, if any. */
    public Optional<WaitRecord> openDueForUpdate(Connection c, UUID taskId, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(OPEN_DUE_FOR_UPDATE)) {
            ps.setObject(1, taskId);
            ps.setTimestamp(2, Timestamp.from(now));
            return one(ps);
        }
    }

    /** Locks the task's unresolved waits (before its task row, in the order deliveries lock). */
    public void lockUnresolved(Connection c, UUID taskId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LOCK_UNRESOLVED)) {
            ps.setObject(1, taskId);
            ps.setArray(2, c.createArrayOf("text", WaitState.sourcesOf(WaitState.CANCELLED)));
            ps.executeQuery().close();
        }
    }

    /** PENDING | OPEN -> CANCELLED for all the task's waits: their tokens answer 410 from now on. */
    public void cancelUnresolved(Connection c, UUID taskId, Instant now) throws SQLException {
        cancel(c, taskId, WaitState.sourcesOf(WaitState.CANCELLED), now);
    }

    /** PENDING -> CANCELLED: a link the step minted but did not wait on is revoked with its checkpoint. */
    public void cancelPending(Connection c, UUID taskId, Instant now) throws SQLException {
        cancel(c, taskId, new String[] {WaitState.PENDING.name()}, now);
    }

    private void cancel(Connection c, UUID taskId, String[] from, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CANCEL)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setObject(2, taskId);
            ps.setArray(3, c.createArrayOf("text", from));
            ps.executeUpdate();
        }
    }

    public List<UUID> dueDeadlines(Connection c, Instant now, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(DUE_DEADLINES)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setInt(2, limit);
            List<UUID> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
            return ids;
        }
    }

    /** An operator sets an open wait's deadline (raising its maximum to it if needed). */
    public boolean setDeadline(Connection c, UUID waitId, Instant deadline) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SET_DEADLINE)) {
            ps.setTimestamp(1, Timestamp.from(deadline));
            ps.setTimestamp(2, Timestamp.from(deadline));
            ps.setObject(3, waitId);
            return ps.executeUpdate() == 1;
        }
    }

    /** A heartbeat arrived for the wait (kept for operators, whether or not it moved the deadline). */
    public void heard(Connection c, UUID waitId, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(HEARD)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setObject(2, waitId);
            ps.executeUpdate();
        }
    }

    public boolean extend(Connection c, UUID waitId, Instant deadline) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(EXTEND)) {
            ps.setTimestamp(1, Timestamp.from(deadline));
            ps.setObject(2, waitId);
            return ps.executeUpdate() == 1;
        }
    }


    public void buffer(Connection c, UUID waitId, String source, String key, String outcome, JsonNode payload,
                       String payloadHash, String deliveryId, byte[] body, JsonNode signature, Instant now,
                       Instant expiresAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BUFFER)) {
            ps.setObject(1, waitId);
            ps.setString(2, source);
            ps.setString(3, key);
            ps.setString(4, outcome);
            ps.setString(5, columns.write(payload));
            ps.setString(6, payloadHash);
            ps.setString(7, deliveryId);
            ps.setBytes(8, body);
            ps.setString(9, columns.write(signature));
            ps.setTimestamp(10, Timestamp.from(now));
            ps.setTimestamp(11, expiresAt == null ? null : Timestamp.from(expiresAt));
            ps.executeUpdate();
        }
    }

    public Optional<InboxItem> bufferedFor(Connection c, UUID waitId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BUFFERED_FOR_WAIT)) {
            ps.setObject(1, waitId);
            return inboxItem(ps);
        }
    }

    public Optional<InboxItem> consumeFor(Connection c, UUID waitId, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CONSUME_FOR_WAIT)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setObject(2, waitId);
            return inboxItem(ps);
        }
    }

    public Optional<InboxItem> consumeEvent(Connection c, String source, String key, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CONSUME_EVENT)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setString(2, source);
            ps.setString(3, key);
            ps.setTimestamp(4, Timestamp.from(now));
            return inboxItem(ps);
        }
    }

    public Optional<DeliveryRecord> findDelivery(Connection c, String source, String deliveryId)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FIND_DELIVERY)) {
            ps.setString(1, source);
            ps.setString(2, deliveryId);
            return deliveryRecord(ps);
        }
    }

    /** The first delivery logged for the wait under {@code source}: the one that resolved it or was kept for it. */
    public Optional<DeliveryRecord> firstDeliveryFor(Connection c, String source, UUID waitId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FIRST_DELIVERY_FOR_WAIT)) {
            ps.setString(1, source);
            ps.setObject(2, waitId);
            return deliveryRecord(ps);
        }
    }

    private static Optional<DeliveryRecord> deliveryRecord(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            List<UUID> ids = new ArrayList<>();
            for (Object id : (Object[]) rs.getArray(3).getArray()) {
                ids.add((UUID) id);
            }
            return Optional.of(new DeliveryRecord(rs.getString(1), new DeliveryReceipt(rs.getString(2), ids,
                    rs.getObject(4, UUID.class), rs.getString(5))));
        }
    }

    /** Logs a delivery with the receipt it is answered with; false if its id was logged meanwhile. */
    public boolean insertDelivery(Connection c, String source, String deliveryId, String payloadHash,
                                  DeliveryReceipt receipt, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_DELIVERY)) {
            Array ids = c.createArrayOf("uuid", receipt.tasks().toArray());
            ps.setString(1, source);
            ps.setString(2, deliveryId);
            ps.setString(3, payloadHash);
            ps.setString(4, receipt.status());
            ps.setArray(5, ids);
            ps.setObject(6, receipt.waitId());
            ps.setString(7, receipt.detail());
            ps.setTimestamp(8, Timestamp.from(now));
            return ps.executeUpdate() == 1;
        }
    }

    private Optional<InboxItem> inboxItem(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new InboxItem(rs.getString(1), columns.read(rs.getString(2)), rs.getString(3),
                    rs.getString(4), rs.getBytes(5), columns.read(rs.getString(6)),
                    JsonColumns.instant(rs.getTimestamp(7))));
        }
    }

    private Optional<WaitRecord> one(PreparedStatement ps) throws SQLException {
        List<WaitRecord> rows = all(ps);
        return rows.stream().findFirst();
    }

    private List<WaitRecord> all(PreparedStatement ps) throws SQLException {
        List<WaitRecord> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(map(rs));
            }
        }
        return rows;
    }

    private WaitRecord map(ResultSet rs) throws SQLException {
        Long timeout = rs.getObject("timeout_millis", Long.class);
        return new WaitRecord(
                rs.getObject("id", UUID.class),
                rs.getObject("task_id", UUID.class),
                rs.getInt("seq"),
                Wait.Kind.valueOf(rs.getString("kind")),
                rs.getString("source"),
                rs.getString("correlation_key"),
                WaitState.valueOf(rs.getString("state")),
                timeout,
                JsonColumns.instant(rs.getTimestamp("deadline")),
                JsonColumns.instant(rs.getTimestamp("max_deadline")),
                rs.getString("resume_step"),
                rs.getString("timeout_step"),
                rs.getString("failure_step"),
                rs.getString("signing_secret") == null ? null
                        : new SecretBox.Sealed(rs.getString("signing_key_id"), rs.getString("signing_secret")),
                columns.read(rs.getString("payload")),
                rs.getString("payload_hash"),
                JsonColumns.instant(rs.getTimestamp("created_at")),
                JsonColumns.instant(rs.getTimestamp("resolved_at")));
    }
}
