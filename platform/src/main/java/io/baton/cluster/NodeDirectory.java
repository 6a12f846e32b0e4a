package io.baton.cluster;

import io.baton.audit.AuditEntry;
import io.baton.audit.AuditLog;
import io.baton.persistence.JsonColumns;
import io.baton.persistence.Transactions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The nodes of the cluster as operators see them: every node that has started ({@code baton_node}: version, standby),
 * with Quartz's last check-in (a node is alive while it checks in) and the steps it runs now. An operator puts a node
 * in standby to drain it: it finishes what it runs and claims nothing more (see {@link StandbyWatch}).
 */
public final class NodeDirectory {
    private static final String REGISTER = """
            INSERT INTO baton_node (name, version, started_at, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET version = excluded.version, started_at = excluded.started_at,
                                             updated_at = excluded.updated_at""";
    /** Nodes that stopped checking in and started more than a week ago are forgotten (ids are often per process). */
    private static final String FORGET = """
            DELETE FROM baton_node n
             WHERE n.started_at < ?
               AND NOT EXISTS (SELECT 1 FROM qrtz_scheduler_state s
                                WHERE s.sched_name = ? AND s.instance_name = n.name)""";
    static final java.time.Duration FORGET_AFTER = java.time.Duration.ofDays(7);
    private static final String SET_STANDBY = """
            UPDATE baton_node SET standby = ?, updated_at = ? WHERE name = ? AND standby <> ?""";
    private static final String EXISTS = "SELECT standby FROM baton_node WHERE name = ?";
    private static final String ALL = """
            SELECT n.name, n.version, n.started_at, n.standby, s.last_checkin_time, s.checkin_interval,
                   (SELECT count(*) FROM baton_task t WHERE t.state = 'RUNNING' AND t.owner = n.name)
              FROM baton_node n
              LEFT JOIN qrtz_scheduler_state s ON s.sched_name = ? AND s.instance_name = n.name
             ORDER BY n.name""";

    private final Transactions transactions;
    private final AuditLog audit;
    private final Clock clock;
    private final String cluster;

    /** @param cluster the Quartz scheduler name the nodes check in under */
    public NodeDirectory(Transactions transactions, AuditLog audit, Clock clock, String cluster) {
        this.transactions = transactions;
        this.audit = audit;
        this.clock = clock;
        this.cluster = cluster;
    }

    /**
     * One node.
     *
     * @param lastCheckin its last Quartz check-in, or {@code null} if it has none (stopped cleanly, or never joined)
     * @param alive       it checked in within twice its check-in interval
     * @param running     tasks it runs a step of right now
     */
    public record Node(String name, String version, Instant startedAt, boolean standby, Instant lastCheckin,
                       boolean alive, long running) {
    }

    /**
     * A node announces itself as it starts (its standby flag, set by an operator, survives a restart under the same
     * {@code BATON_NODE_ID}); nodes gone for a week are forgotten.
     */
    public void register(String name, String version) {
        Instant now = clock.instant();
        transactions.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(FORGET)) {
                ps.setTimestamp(1, Timestamp.from(now.minus(FORGET_AFTER)));
                ps.setString(2, cluster);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(REGISTER)) {
                ps.setString(1, name);
                ps.setString(2, version);
                ps.setTimestamp(3, Timestamp.from(now));
                ps.setTimestamp(4, Timestamp.from(now));
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** What setting the standby flag did. */
    public enum Change { CHANGED, UNCHANGED, NOT_FOUND }

    /** Puts a node in standby ({@code true}: it stops claiming work) or back to work. */
    public Change standby(String name, boolean standby, AuditEntry entry) {
        Instant now = clock.instant();
        return transactions.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(SET_STANDBY)) {
                ps.setBoolean(1, standby);
                ps.setTimestamp(2, Timestamp.from(now));
                ps.setString(3, name);
                ps.setBoolean(4, standby);
                if (ps.executeUpdate() == 1) {
                    audit.write(c, entry, standby ? "standby" : "active", now);
                    return Change.CHANGED;
                }
            }
            return standbyOf(c, name).isPresent() ? Change.UNCHANGED : Change.NOT_FOUND;
        });
    }

    /** Whether the node is in standby; empty if no such node has started. */
    public Optional<Boolean> standbyOf(String name) {
        return transactions.inTransaction(c -> standbyOf(c, name));
    }

    private static Optional<Boolean> standbyOf(java.sql.Connection c, String name) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement(EXISTS)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBoolean(1)) : Optional.empty();
            }
        }
    }

    /** Every node that has started, by name. */
    public List<Node> all() {
        Instant now = clock.instant();
        return transactions.inTransaction(c -> {
            List<Node> nodes = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(ALL)) {
                ps.setString(1, cluster);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long checkin = rs.getLong(5);
                        Instant last = rs.wasNull() ? null : Instant.ofEpochMilli(checkin);
                        long interval = rs.getLong(6);
                        boolean alive = last != null && last.plusMillis(2 * interval).isAfter(now);
                        nodes.add(new Node(rs.getString(1), rs.getString(2), JsonColumns.instant(rs.getTimestamp(3)),
                                rs.getBoolean(4), last, alive, rs.getLong(7)));
                    }
                }
            }
            return nodes;
        });
    }
}
