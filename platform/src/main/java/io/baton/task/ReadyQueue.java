package io.baton.task;

import io.baton.persistence.JsonColumns;
import io.baton.persistence.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The tasks ready to run, straight from {@code baton_task}: RUNNABLE or SLEEPING with {@code wake_at} come. A node
 * claims a batch in one statement (the guarded RUNNABLE|SLEEPING -> RUNNING transition with a new attempt number),
 * skipping rows another node is claiming; work recovered from a dead node (priority 1) goes first, then the longest
 * due. Tasks of a paused agent ({@code baton_agent_pause}) stay where they are. Nothing here holds a lock beyond its statement, and a task claimed twice is impossible: the claim is the row
 * update.
 */
public final class ReadyQueue {
    private static final String CLAIM = """
            WITH picked AS (
                SELECT id AS picked_id, owner AS previous_owner, attempt AS previous_attempt,
                       priority AS previous_priority, wake_at AS ready_since
                  FROM baton_task
                 WHERE state IN ('RUNNABLE', 'SLEEPING') AND wake_at <= ?
                   AND NOT EXISTS (SELECT 1 FROM baton_agent_pause p WHERE p.agent = baton_task.agent)
                 ORDER BY priority DESC, wake_at
                 LIMIT ?
                   FOR UPDATE SKIP LOCKED)
            UPDATE baton_task
               SET state = 'RUNNING', attempt = attempt + 1, owner = ?, priority = 0, wake_at = NULL, updated_at = ?
              FROM picked
             WHERE id = picked.picked_id
            RETURNING previous_owner, previous_attempt, previous_priority, ready_since,\s""" + TaskRepository.COLUMNS;

    /** Per agent not paused: how many tasks are due, and since when the oldest has been. */
    private static final String BACKLOG = """
            SELECT agent, count(*), min(wake_at) FROM baton_task t
             WHERE state IN ('RUNNABLE', 'SLEEPING') AND wake_at <= ?
               AND NOT EXISTS (SELECT 1 FROM baton_agent_pause p WHERE p.agent = t.agent)
             GROUP BY agent""";

    private final DataSource dataSource;
    private final TaskRepository tasks;

    public ReadyQueue(DataSource dataSource, TaskRepository tasks) {
        this.dataSource = dataSource;
        this.tasks = tasks;
    }

    /**
     * A task this node claimed.
     *
     * @param task      the task as claimed (RUNNING, owned by the claiming node, with its new attempt)
     * @param recovered it was taken over from {@code previousOwner}'s attempt {@code previousAttempt}
     * @param readySince when it became due (its {@code wake_at} before the claim)
     */
    public record Claimed(Task task, boolean recovered, String previousOwner, long previousAttempt,
                          Instant readySince) {
    }

    /** Claims up to {@code limit} ready tasks for {@code node}: recovered work first, then the longest due. */
    public List<Claimed> claim(String node, int limit, Instant now) {
        TaskState.require(TaskState.RUNNABLE, TaskState.RUNNING);
        TaskState.require(TaskState.SLEEPING, TaskState.RUNNING);
        List<Claimed> claimed = new ArrayList<>(limit);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(CLAIM)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setInt(2, limit);
            ps.setString(3, node);
            ps.setTimestamp(4, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    claimed.add(new Claimed(tasks.map(rs), rs.getInt(3) > 0, rs.getString(1), rs.getLong(2),
                            JsonColumns.instant(rs.getTimestamp(4))));
                }
            }
            return claimed;
        } catch (SQLException e) {
            throw StoreException.from("claiming ready tasks failed", e);
        }
    }

    /** The due backlog of one agent: how many tasks, and the oldest one's due time. */
    public record Backlog(long tasks, Instant oldestDue) {
    }

    /** The due backlog by agent. */
    public Map<String, Backlog> backlog(Instant now) {
        Map<String, Backlog> byAgent = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(BACKLOG)) {
            ps.setTimestamp(1, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byAgent.put(rs.getString(1), new Backlog(rs.getLong(2), JsonColumns.instant(rs.getTimestamp(3))));
                }
            }
            return byAgent;
        } catch (SQLException e) {
            throw StoreException.from("reading the backlog failed", e);
        }
    }
}
