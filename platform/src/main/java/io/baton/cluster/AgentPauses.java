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
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Paused agents, cluster-wide: no node claims a paused agent's ready tasks (see the claim in
 * {@link io.baton.task.ReadyQueue}); they stay RUNNABLE, and steps already running finish. Waits keep accepting
 * deliveries, and new tasks can be started: nothing is lost, it only waits until the agent is resumed.
 */
public final class AgentPauses {
    private static final String PAUSE = """
            INSERT INTO baton_agent_pause (agent, paused_at, paused_by) VALUES (?, ?, ?) ON CONFLICT DO NOTHING""";
    private static final String RESUME = "DELETE FROM baton_agent_pause WHERE agent = ?";
    private static final String ALL = "SELECT agent, paused_at, paused_by FROM baton_agent_pause ORDER BY agent";

    private final Transactions transactions;
    private final AuditLog audit;
    private final Clock clock;

    public AgentPauses(Transactions transactions, AuditLog audit, Clock clock) {
        this.transactions = transactions;
        this.audit = audit;
        this.clock = clock;
    }

    /** A pause: since when, and by which key. */
    public record Pause(Instant since, String by) {
    }

    /** Pauses the agent; false if it was paused already (nothing changed, nothing audited). */
    public boolean pause(String agent, AuditEntry entry) {
        Instant now = clock.instant();
        return transactions.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(PAUSE)) {
                ps.setString(1, agent);
                ps.setTimestamp(2, Timestamp.from(now));
                ps.setString(3, entry == null ? "node" : entry.keyId());
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            audit.write(c, entry, "paused", now);
            return true;
        });
    }

    /** Resumes the agent; false if it was not paused. */
    public boolean resume(String agent, AuditEntry entry) {
        Instant now = clock.instant();
        return transactions.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(RESUME)) {
                ps.setString(1, agent);
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            audit.write(c, entry, "resumed", now);
            return true;
        });
    }

    /** Every paused agent, by name. */
    public Map<String, Pause> paused() {
        return transactions.inTransaction(c -> {
            Map<String, Pause> paused = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(ALL); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    paused.put(rs.getString(1), new Pause(JsonColumns.instant(rs.getTimestamp(2)), rs.getString(3)));
                }
            }
            return paused;
        });
    }
}
