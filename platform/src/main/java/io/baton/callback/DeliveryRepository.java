package io.baton.callback;

import io.baton.secret.SecretBox;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Deliveries of events to endpoints ({@code baton_callback_delivery}) and their attempts. */
public final class DeliveryRepository {
    /**
     * Leases due deliveries, oldest first, at most {@code room} of each endpoint, returning with each what its attempt
     * needs: the event and the endpoint. Candidates are locked ({@code SKIP LOCKED}), then ranked per endpoint; the
     * locks on those left out end with the transaction.
     */
    private static final String CLAIM = """
            UPDATE baton_callback_delivery d
               SET lease_owner = ?, lease_until = ?, attempts = d.attempts + 1
              FROM (SELECT ranked.event_id, ranked.callback_id
                      FROM (SELECT event_id, callback_id, due_at,
                                   row_number() OVER (PARTITION BY callback_id ORDER BY due_at) AS place
                              FROM (SELECT event_id, callback_id, due_at FROM baton_callback_delivery
                                     WHERE state = 'PENDING' AND due_at <= ?
                                       AND (lease_until IS NULL OR lease_until < ?) AND NOT (callback_id = ANY(?))
                                     ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED) candidates) ranked
                      LEFT JOIN unnest(?::uuid[], ?::int[]) AS room(callback_id, free)
                             ON room.callback_id = ranked.callback_id
                     WHERE ranked.place <= COALESCE(room.free, ?)
                     ORDER BY ranked.due_at LIMIT ?) due, baton_event e, baton_callback c
             WHERE d.event_id = due.event_id AND d.callback_id = due.callback_id AND e.id = d.event_id
               AND c.id = d.callback_id
            RETURNING d.event_id, d.callback_id, d.attempts, e.payload::text, c.url, c.enabled, c.secret_key_id,
                      c.secret, c.previous_secret_key_id, c.previous_secret, c.previous_until, c.failing_since""";

    /** An attempt's log line, unless its delivery was deleted meanwhile (with its endpoint). */
    private static final String ATTEMPT = """
            INSERT INTO baton_callback_attempt (event_id, callback_id, attempt, node, at, status_code, latency_ms,
                                                response_excerpt, error)
            SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (
                SELECT 1 FROM baton_callback_delivery WHERE event_id = ? AND callback_id = ?)
            ON CONFLICT DO NOTHING""";

    /** Settles an attempt, fenced by the lease: a node whose lease was taken over changes nothing. */
    private static final String SETTLE = """
            UPDATE baton_callback_delivery
               SET state = ?, due_at = ?, last_error = ?, delivered_at = ?, lease_owner = NULL, lease_until = NULL
             WHERE event_id = ? AND callback_id = ? AND lease_owner = ? AND attempts = ? AND state = 'PENDING'""";

    private static final String FAILING = """
            UPDATE baton_callback SET failing_since = COALESCE(failing_since, ?) WHERE id = ?""";

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

    /** A delivery claimed for one attempt ({@code attempt}, counting from 1), with the event and the endpoint. */
    public record Claimed(UUID eventId, UUID callbackId, int attempt, String payload, String url, boolean enabled,
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

    /**
     * Leases up to {@code limit} due deliveries: none of an endpoint whose {@code room} is 0 or less, at most its room
     * of one listed there, at most {@code otherRoom} of any other.
     */
    public List<Claimed> claim(Connection c, String node, Instant now, Instant leaseUntil, Map<UUID, Integer> room,
                               int otherRoom, int limit) throws SQLException {
        List<UUID> full = new ArrayList<>();
        List<UUID> partial = new ArrayList<>();
        List<Integer> free = new ArrayList<>();
        room.forEach((id, n) -> {
            if (n <= 0) {
                full.add(id);
            } else {
                partial.add(id);
                free.add(n);
            }
        });
        try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
            ps.setString(1, node);
            ps.setTimestamp(2, Timestamp.from(leaseUntil));
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setArray(5, c.createArrayOf("uuid", full.toArray()));
            ps.setInt(6, limit * 4); // candidates, so that a crowded endpoint does not starve the others
            ps.setArray(7, c.createArrayOf("uuid", partial.toArray()));
            ps.setArray(8, c.createArrayOf("int4", free.toArray()));
            ps.setInt(9, otherRoom);
            ps.setInt(10, limit);
            List<Claimed> claimed = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    SecretBox.Sealed previous = rs.getString(10) == null ? null
                            : new SecretBox.Sealed(rs.getString(9), rs.getString(10));
                    claimed.add(new Claimed(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getInt(3),
                            rs.getString(4), rs.getString(5), rs.getBoolean(6),
                            new SecretBox.Sealed(rs.getString(7), rs.getString(8)), previous,
                            instant(rs.getTimestamp(11)), instant(rs.getTimestamp(12))));
                }
            }
            return claimed;
        }
    }

    /**
     * Records attempts and their outcomes, in the caller's transaction: each attempt's log line, its delivery's next
     * state (fenced by the lease: an attempt whose lease was taken over changes nothing else), and what it says of its
     * endpoint. Endpoints are written in the order of their ids (so two nodes' batches cannot deadlock), each
     * endpoint's attempts in the order they were made. For each
     * settlement, in the order given, whether its lease still held.
     */
    public boolean[] settleAll(Connection c, String node, List<Settlement> batch) throws SQLException {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            order.add(i);
        }
        order.sort(java.util.Comparator.comparing((Integer i) -> batch.get(i).claimed().callbackId())
                .thenComparing(i -> batch.get(i).attempt().at()));
        List<Settlement> ordered = order.stream().map(batch::get).toList();
        int[] kept;
        try (PreparedStatement log = c.prepareStatement(ATTEMPT);
             PreparedStatement settle = c.prepareStatement(SETTLE)) {
            for (Settlement one : ordered) {
                addAttempt(log, one.claimed(), node, one.attempt());
                addSettle(settle, one, node);
            }
            log.executeBatch();
            kept = settle.executeBatch();
        }
        try (PreparedStatement healthy = c.prepareStatement(HEALTHY);
             PreparedStatement failing = c.prepareStatement(FAILING);
             PreparedStatement disable = c.prepareStatement(DISABLE)) {
            for (Settlement one : ordered) {
                UUID endpoint = one.claimed().callbackId();
                switch (one.health()) {
                    case ANSWERED -> {
                        healthy.setObject(1, endpoint);
                        healthy.addBatch();
                    }
                    case FAILED -> {
                        failing.setTimestamp(1, Timestamp.from(one.attempt().at()));
                        failing.setObject(2, endpoint);
                        failing.addBatch();
                    }
                    case UNCHANGED -> {
                    }
                }
                if (one.disableReason() != null) {
                    disable.setString(1, one.disableReason());
                    disable.setTimestamp(2, Timestamp.from(one.attempt().at()));
                    disable.setObject(3, endpoint);
                    disable.addBatch();
                }
            }
            healthy.executeBatch();
            failing.executeBatch();
            disable.executeBatch();
        }
        boolean[] result = new boolean[batch.size()];
        for (int i = 0; i < order.size(); i++) {
            result[order.get(i)] = kept[i] == 1;
        }
        return result;
    }

    private static void addAttempt(PreparedStatement ps, Claimed claimed, String node, Attempt result)
            throws SQLException {
        ps.setObject(1, claimed.eventId());
        ps.setObject(2, claimed.callbackId());
        ps.setInt(3, claimed.attempt());
        ps.setString(4, node);
        ps.setTimestamp(5, Timestamp.from(result.at()));
        ps.setObject(6, result.statusCode());
        ps.setObject(7, result.latencyMillis());
        ps.setString(8, result.responseExcerpt());
        ps.setString(9, result.error());
        ps.setObject(10, claimed.eventId());
        ps.setObject(11, claimed.callbackId());
        ps.addBatch();
    }

    private static void addSettle(PreparedStatement ps, Settlement one, String node) throws SQLException {
        ps.setString(1, one.state());
        ps.setTimestamp(2, Timestamp.from(one.dueAt()));
        ps.setString(3, one.error());
        ps.setTimestamp(4, one.deliveredAt() == null ? null : Timestamp.from(one.deliveredAt()));
        ps.setObject(5, one.claimed().eventId());
        ps.setObject(6, one.claimed().callbackId());
        ps.setString(7, node);
        ps.setInt(8, one.claimed().attempt());
        ps.addBatch();
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
