package io.baton.ops.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.audit.AuditEntry;
import io.baton.audit.AuditLog;
import io.baton.persistence.JsonColumns;
import io.baton.persistence.Transactions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Bulk operations as stored: a plan (made by a dry run: the action, its filter and parameters, the tasks it selected
 * and, for extend and resume, the wait each had open) under a token of which only the SHA-256 is kept, and per task
 * what applying did. One apply at a time holds the operation (a lease under a random owner, renewed every batch; the
 * report is written only by the holder). Each target is marked started before it is acted on, so no task is acted on
 * twice: one an apply that died had started is reported as interrupted, not acted on again.
 */
final class BulkOperations {
    /** How long a dry run's token can be applied. */
    static final Duration TOKEN_TTL = Duration.ofHours(1);
    /** How long one apply holds the operation before another request may take it over (it died). */
    static final Duration LEASE = Duration.ofMinutes(5);

    private static final String INSERT = """
            INSERT INTO baton_bulk_operation (id, token_hash, action, filter, parameters, matched, created_by,
                                              created_at, expires_at)
            VALUES (?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?)""";
    /** The targets, with (for extend and resume) the wait each has open now: apply acts on that wait only. */
    private static final String INSERT_TARGETS = """
            INSERT INTO baton_bulk_target (operation_id, task_id, wait_id)
            SELECT ?, t.id, CASE WHEN ? THEN (SELECT w.id FROM baton_wait w WHERE w.task_id = t.id AND w.state = 'OPEN'
                                               ORDER BY w.seq DESC LIMIT 1) END
              FROM unnest(?::uuid[]) AS t(id)""";
    private static final String BY_TOKEN = """
            SELECT id, action, parameters, matched, expires_at, applied_at, report
              FROM baton_bulk_operation WHERE token_hash = ?""";
    private static final String TAKE = """
            UPDATE baton_bulk_operation SET lease_owner = ?, lease_until = ?
             WHERE id = ? AND applied_at IS NULL AND (lease_until IS NULL OR lease_until < ?)""";
    /** Targets a dead apply had started: whether it acted on them is unknown, so they are not acted on again. */
    private static final String INTERRUPTED = """
            UPDATE baton_bulk_target SET outcome = 'interrupted',
                   detail = 'an earlier apply stopped while acting on this task: check it'
             WHERE operation_id = ? AND outcome = 'started'""";
    private static final String RENEW = """
            UPDATE baton_bulk_operation SET lease_until = ? WHERE id = ? AND lease_owner = ? AND applied_at IS NULL""";
    private static final String RELEASE = """
            UPDATE baton_bulk_operation SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?""";
    private static final String PENDING = """
            SELECT task_id, wait_id FROM baton_bulk_target
             WHERE operation_id = ? AND outcome IS NULL AND task_id > ? ORDER BY task_id LIMIT ?""";
    private static final String START = """
            UPDATE baton_bulk_target SET outcome = 'started' WHERE operation_id = ? AND task_id = ? AND outcome IS NULL""";
    private static final String DONE = """
            UPDATE baton_bulk_target SET outcome = ?, detail = ?
             WHERE operation_id = ? AND task_id = ? AND outcome = 'started'""";
    private static final String COUNTS = """
            SELECT outcome, count(*) FROM baton_bulk_target WHERE operation_id = ? GROUP BY outcome""";
    private static final String FINISH = """
            UPDATE baton_bulk_operation SET applied_at = ?, report = ?::jsonb, lease_owner = NULL, lease_until = NULL
             WHERE id = ? AND applied_at IS NULL AND lease_owner = ?""";

    /** Below every uuid as PostgreSQL orders them (bytewise, unsigned). */
    private static final UUID FIRST = new UUID(0L, 0L);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Transactions transactions;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final JsonColumns columns;

    BulkOperations(Transactions transactions, AuditLog audit, ObjectMapper json) {
        this.transactions = transactions;
        this.audit = audit;
        this.json = json;
        this.columns = new JsonColumns(json);
    }

    /** A stored plan. */
    record Plan(UUID id, String action, JsonNode parameters, long matched, Instant expiresAt, Instant appliedAt,
                JsonNode report) {
    }

    /** One task to act on, and the wait to act on for extend and resume ({@code null} if it had none open). */
    record Target(UUID taskId, UUID waitId) {
    }

    /** Stores a plan over {@code targets}; returns its token (shown once). */
    String plan(String action, JsonNode filter, JsonNode parameters, long matched, List<UUID> targets,
                boolean onOpenWaits, AuditEntry entry, Instant now) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String token = "bbt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        UUID id = UUID.randomUUID();
        transactions.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setObject(1, id);
                ps.setString(2, hash(token));
                ps.setString(3, action);
                ps.setString(4, columns.write(filter));
                ps.setString(5, columns.write(parameters));
                ps.setLong(6, matched);
                ps.setString(7, entry.keyId());
                ps.setTimestamp(8, Timestamp.from(now));
                ps.setTimestamp(9, Timestamp.from(now.plus(TOKEN_TTL)));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(INSERT_TARGETS)) {
                ps.setObject(1, id);
                ps.setBoolean(2, onOpenWaits);
                ps.setArray(3, c.createArrayOf("uuid", targets.toArray()));
                ps.executeUpdate();
            }
            audit.write(c, entry, "planned " + action + " of " + targets.size() + " task(s) as " + id, now);
            return null;
        });
        return token;
    }

    Optional<Plan> byToken(String token) {
        return transactions.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(BY_TOKEN)) {
                ps.setString(1, hash(token));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Plan(rs.getObject(1, UUID.class), rs.getString(2),
                            columns.read(rs.getString(3)), rs.getLong(4), JsonColumns.instant(rs.getTimestamp(5)),
                            JsonColumns.instant(rs.getTimestamp(6)), columns.read(rs.getString(7))));
                }
            }
        });
    }

    /**
     * Takes the operation for one apply under {@code owner}; false if another apply holds it or it was applied. A
     * takeover marks what the dead apply had started as interrupted.
     */
    boolean take(UUID id, UUID owner, Instant now) {
        return transactions.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(TAKE)) {
                ps.setObject(1, owner);
                ps.setTimestamp(2, Timestamp.from(now.plus(LEASE)));
                ps.setObject(3, id);
                ps.setTimestamp(4, Timestamp.from(now));
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            try (PreparedStatement ps = c.prepareStatement(INTERRUPTED)) {
                ps.setObject(1, id);
                ps.executeUpdate();
            }
            return true;
        });
    }

    /** Extends the lease before a batch; false if {@code owner} lost it (it ran past the lease and was taken over). */
    boolean renew(UUID id, UUID owner, Instant now) {
        return update(RENEW, ps -> {
            ps.setTimestamp(1, Timestamp.from(now.plus(LEASE)));
            ps.setObject(2, id);
            ps.setObject(3, owner);
        }) == 1;
    }

    /** Gives the lease up (an apply that stopped early), so the next apply need not wait for it to end. */
    void release(UUID id, UUID owner) {
        update(RELEASE, ps -> {
            ps.setObject(1, id);
            ps.setObject(2, owner);
        });
    }

    /** The next {@code limit} targets not yet acted on, after {@code after} ({@code null}: from the first). */
    List<Target> pending(UUID id, UUID after, int limit) {
        return transactions.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(PENDING)) {
                ps.setObject(1, id);
                ps.setObject(2, after == null ? FIRST : after);
                ps.setInt(3, limit);
                List<Target> targets = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        targets.add(new Target(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class)));
                    }
                }
                return targets;
            }
        });
    }

    /** Marks a target started, before acting on it; false if it is not pending any more (another apply has it). */
    boolean start(UUID id, UUID taskId) {
        return update(START, ps -> {
            ps.setObject(1, id);
            ps.setObject(2, taskId);
        }) == 1;
    }

    /** Records what applying did to a started target ({@code applied}, {@code skipped} or {@code failed}). */
    void done(UUID id, UUID taskId, String outcome, String detail) {
        update(DONE, ps -> {
            ps.setString(1, outcome);
            ps.setString(2, detail);
            ps.setObject(3, id);
            ps.setObject(4, taskId);
        });
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private int update(String sql, Binder binder) {
        return transactions.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                binder.bind(ps);
                return ps.executeUpdate();
            }
        });
    }

    /** Counts the outcomes, stores the report and audits the apply, in one transaction; the report. */
    JsonNode finish(UUID id, UUID owner, String action, long matched, int batches, AuditEntry entry, Instant now) {
        return transactions.inTransaction(c -> {
            var report = json.createObjectNode();
            report.put("operationId", id.toString());
            report.put("action", action);
            report.put("matched", matched);
            report.put("applied", 0);
            report.put("skipped", 0);
            report.put("failed", 0);
            report.put("interrupted", 0);
            try (PreparedStatement ps = c.prepareStatement(COUNTS)) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        report.put(rs.getString(1) == null ? "notDone" : rs.getString(1), rs.getLong(2));
                    }
                }
            }
            report.put("batches", batches);
            report.put("appliedAt", now.toString());
            if (!finish(c, id, owner, report, now)) {
                return null;
            }
            audit.write(c, entry, "applied " + report.get("applied") + ", skipped " + report.get("skipped")
                    + ", failed " + report.get("failed") + ", interrupted " + report.get("interrupted")
                    + " of operation " + id, now);
            return report;
        });
    }

    private boolean finish(Connection c, UUID id, UUID owner, JsonNode report, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FINISH)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setString(2, columns.write(report));
            ps.setObject(3, id);
            ps.setObject(4, owner);
            return ps.executeUpdate() == 1;
        }
    }

    private static String hash(String token) {
        return io.baton.wait.ResumeToken.hash(token); // the same SHA-256 in hex that tokens and keys are kept as
    }
}
