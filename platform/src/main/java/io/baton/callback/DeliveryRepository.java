package io.baton.callback;

import io.baton.secret.SecretBox;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** Deliveries of events to endpoints ({@code baton_callback_delivery}) and their attempts. */
public final class DeliveryRepository {
    private static final String CLAIM = """
            UPDATE baton_callback_delivery d
               SET lease_owner = ?, lease_until = ?, attempts = d.attempts + 1
              FROM (SELECT event_id, callback_id FROM baton_callback_delivery
                     WHERE state = 'PENDING' AND due_at <= ? AND (lease_until IS NULL OR lease_until < ?)
                       AND NOT (callback_id = ANY(?))
                     ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED) due
             WHERE d.event_id = due.event_id AND d.callback_id = due.callback_id
            RETURNING d.event_id, d.callback_id, d.attempts""";

    private static final String LOAD = """
            SELECT e.id, e.payload::text, c.id, c.url, c.enabled, c.secret_key_id, c.secret, c.previous_secret_key_id,
                   c.previous_secret, c.previous_until, c.failing_since
              FROM baton_event e, baton_callback c WHERE e.id = ? AND c.id = ?""";

    private static final String ATTEMPT = """
            INSERT INTO baton_callback_attempt (event_id, callback_id, attempt, node, at, status_code, latency_ms,
                                                response_excerpt, error)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""";

    /** Settles an attempt, fenced by the lease: a node whose lease was taken over changes nothing. */
    private static final String SETTLE = """
            UPDATE baton_callback_delivery
               SET state = ?, due_at = ?, last_error = ?, delivered_at = ?, lease_owner = NULL, lease_until = NULL
             WHERE event_id = ? AND callback_id = ? AND lease_owner = ? AND attempts = ? AND state = 'PENDING'""";

    private static final String UNCLAIM = """
            UPDATE baton_callback_delivery SET attempts = attempts - 1, lease_owner = NULL, lease_until = NULL
             WHERE event_id = ? AND callback_id = ? AND lease_owner = ? AND attempts = ? AND state = 'PENDING'""";

    private static final String FAILING = """
            UPDATE baton_callback SET failing_since = COALESCE(failing_since, ?) WHERE id = ?
            RETURNING failing_since""";

    private static final String HEALTHY = "UPDATE baton_callback SET failing_since = NULL WHERE id = ? "
            + "AND failing_since IS NOT NULL";

    private static final String DISABLE = """
            UPDATE baton_callback SET enabled = false, disabled_reason = ?, updated_at = ? WHERE id = ? AND enabled""";

    private static final String REPLAY = """
            UPDATE baton_callback_delivery
               SET state = 'PENDING', attempts = 0, due_at = ?, last_error = NULL, delivered_at = NULL,
                   lease_owner = NULL, lease_until = NULL
             WHERE event_id = ? AND callback_id = ?""";

    private static final String REPLAY_FAILED = """
            UPDATE baton_callback_delivery
               SET state = 'PENDING', attempts = 0, due_at = ?, last_error = NULL, lease_owner = NULL,
                   lease_until = NULL
             WHERE callback_id = ? AND state = 'DEAD' AND created_at >= ?""";

    private static final String OF_ENDPOINT = """
            SELECT d.event_id, e.type, d.state, d.attempts, d.due_at, d.last_error, d.delivered_at, d.created_at
              FROM baton_callback_delivery d JOIN baton_event e ON e.id = d.event_id
             WHERE d.callback_id = ? ORDER BY d.created_at DESC, d.event_id LIMIT ?""";

    private static final String ATTEMPTS_OF = """
            SELECT event_id, attempt, node, at, status_code, latency_ms, response_excerpt, error
              FROM baton_callback_attempt WHERE callback_id = ? AND event_id = ANY(?) ORDER BY event_id, attempt""";

    private static final String OLDEST_DUE = """
            SELECT min(due_at) FROM baton_callback_delivery WHERE state = 'PENDING' AND due_at <= ?""";

    /** A delivery claimed for one attempt. */
    public record Claimed(UUID eventId, UUID callbackId, int attempt) {
    }

    /** What an attempt needs: the event's payload, and the endpoint. */
    public record Loaded(UUID eventId, String payload, UUID callbackId, String url, boolean enabled,
                         SecretBox.Sealed secret, SecretBox.Sealed previous, Instant previousUntil,
                         Instant failingSince) {
    }

    /** One attempt as logged. */
    public record Attempt(int attempt, String node, Instant at, Integer statusCode, Integer latencyMillis,
                          String responseExcerpt, String error, java.time.Duration retryAfter) {
        public Attempt(int attempt, String node, Instant at, Integer statusCode, Integer latencyMillis,
                       String responseExcerpt, String error) {
            this(attempt, node, at, statusCode, latencyMillis, responseExcerpt, error, null);
        }
    }

    /** A delivery of one event to one endpoint, with every attempt. */
    public record Delivery(UUID eventId, String type, String state, int attempts, Instant dueAt, String lastError,
                           Instant deliveredAt, Instant createdAt, List<Attempt> attemptLog) {
    }

    public List<Claimed> claim(Connection c, String node, Instant now, Instant leaseUntil, Collection<UUID> busy,
                               int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
            ps.setString(1, node);
            ps.setTimestamp(2, Timestamp.from(leaseUntil));
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setArray(5, c.createArrayOf("uuid", busy.toArray()));
            ps.setInt(6, limit);
            List<Claimed> claimed = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    claimed.add(new Claimed(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getInt(3)));
                }
            }
            return claimed;
        }
    }

    public Loaded load(Connection c, UUID eventId, UUID callbackId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LOAD)) {
            ps.setObject(1, eventId);
            ps.setObject(2, callbackId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                SecretBox.Sealed previous = rs.getString(9) == null ? null
                        : new SecretBox.Sealed(rs.getString(8), rs.getString(9));
                return new Loaded(rs.getObject(1, UUID.class), rs.getString(2), rs.getObject(3, UUID.class),
                        rs.getString(4), rs.getBoolean(5), new SecretBox.Sealed(rs.getString(6), rs.getString(7)),
                        previous, instant(rs.getTimestamp(10)), instant(rs.getTimestamp(11)));
            }
        }
    }

    public void logAttempt(Connection c, Claimed claimed, String node, Instant at, Attempt result)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ATTEMPT)) {
            ps.setObject(1, claimed.eventId());
            ps.setObject(2, claimed.callbackId());
            ps.setInt(3, claimed.attempt());
            ps.setString(4, node);
            ps.setTimestamp(5, Timestamp.from(at));
            ps.setObject(6, result.statusCode());
            ps.setObject(7, result.latencyMillis());
            ps.setString(8, result.responseExcerpt());
            ps.setString(9, result.error());
            ps.executeUpdate();
        }
    }

    /** PENDING (again, due at {@code dueAt}), DELIVERED or DEAD; false if the lease was lost meanwhile. */
    public boolean settle(Connection c, Claimed claimed, String node, String state, Instant dueAt, String error,
                          Instant deliveredAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SETTLE)) {
            ps.setString(1, state);
            ps.setTimestamp(2, Timestamp.from(dueAt));
            ps.setString(3, error);
            ps.setTimestamp(4, deliveredAt == null ? null : Timestamp.from(deliveredAt));
            ps.setObject(5, claimed.eventId());
            ps.setObject(6, claimed.callbackId());
            ps.setString(7, node);
            ps.setInt(8, claimed.attempt());
            return ps.executeUpdate() == 1;
        }
    }

    /** Gives a claim back untried (its attempt does not count). */
    public boolean unclaim(Connection c, Claimed claimed, String node) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UNCLAIM)) {
            ps.setObject(1, claimed.eventId());
            ps.setObject(2, claimed.callbackId());
            ps.setString(3, node);
            ps.setInt(4, claimed.attempt());
            return ps.executeUpdate() == 1;
        }
    }

    /** Marks the endpoint failing from {@code now} unless it already was; since when it has been failing. */
    public Instant failing(Connection c, UUID callbackId, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FAILING)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setObject(2, callbackId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? instant(rs.getTimestamp(1)) : now;
            }
        }
    }

    public void healthy(Connection c, UUID callbackId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(HEALTHY)) {
            ps.setObject(1, callbackId);
            ps.executeUpdate();
        }
    }

    public boolean disable(Connection c, UUID callbackId, String reason, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(DISABLE)) {
            ps.setString(1, reason);
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setObject(3, callbackId);
            return ps.executeUpdate() == 1;
        }
    }

    public boolean replay(Connection c, UUID eventId, UUID callbackId, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(REPLAY)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setObject(2, eventId);
            ps.setObject(3, callbackId);
            return ps.executeUpdate() == 1;
        }
    }

    public int replayFailed(Connection c, UUID callbackId, Instant since, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(REPLAY_FAILED)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setObject(2, callbackId);
            ps.setTimestamp(3, Timestamp.from(since));
            return ps.executeUpdate();
        }
    }

    /** The endpoint's newest deliveries (at most {@code limit}), each with its attempts. */
    public List<Delivery> ofEndpoint(Connection c, UUID callbackId, int limit) throws SQLException {
        List<Delivery> found = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(OF_ENDPOINT)) {
            ps.setObject(1, callbackId);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new Delivery(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                            rs.getInt(4), instant(rs.getTimestamp(5)), rs.getString(6), instant(rs.getTimestamp(7)),
                            instant(rs.getTimestamp(8)), new ArrayList<>()));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(ATTEMPTS_OF)) {
            ps.setObject(1, callbackId);
            ps.setArray(2, c.createArrayOf("uuid", found.stream().map(Delivery::eventId).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    UUID event = rs.getObject(1, UUID.class);
                    Attempt attempt = new Attempt(rs.getInt(2), rs.getString(3), instant(rs.getTimestamp(4)),
                            (Integer) rs.getObject(5), (Integer) rs.getObject(6), rs.getString(7), rs.getString(8));
                    found.stream().filter(d -> d.eventId().equals(event)).findFirst()
                            .ifPresent(d -> d.attemptLog().add(attempt));
                }
            }
        }
        return found;
    }

    /** When the oldest delivery that is due now became due (the outbox lag), or null. */
    public Instant oldestDue(Connection c, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(OLDEST_DUE)) {
            ps.setTimestamp(1, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? instant(rs.getTimestamp(1)) : null;
            }
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
