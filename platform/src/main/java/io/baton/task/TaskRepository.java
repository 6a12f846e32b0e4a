package io.baton.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.persistence.JsonColumns;
import io.baton.persistence.StoreException;
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
import javax.sql.DataSource;

/**
 * Tasks and their step history in PostgreSQL. Every method that changes a task's state is one guarded statement
 * (expected state, and the attempt number where a running attempt is involved) whose transition is first checked
 * against {@link TaskState}'s table. A method returning {@code false} or empty means the guard did not hold: someone
 * else moved the task first.
 */
public final class TaskRepository {
    static final String COLUMNS = """
            id, agent, state, input, context, next_step, step_seq, step_attempt, attempt, owner, idempotency_key, result,
            error, wake_at, created_at, updated_at, finished_at, resumed_with""";

    private static final String INSERT = """
            INSERT INTO baton_task (id, agent, state, input, context, next_step, idempotency_key, wake_at, created_at,
                                    updated_at)
            VALUES (?, ?, 'RUNNABLE', ?::jsonb, '{}'::jsonb, ?, ?, ?, ?, ?)
            ON CONFLICT (agent, idempotency_key) DO NOTHING
            RETURNING\s""" + COLUMNS;

    private static final String FIND = "SELECT " + COLUMNS + " FROM baton_task WHERE id = ?";

    private static final String FIND_BY_KEY = "SELECT " + COLUMNS
            + " FROM baton_task WHERE agent = ? AND idempotency_key = ?";

    /**
     * RUNNING -> RUNNABLE for an attempt whose node is gone (not a live cluster member) or known idle here; recovered
     * work is claimed before everything else (priority 1).
     */
    private static final String RECOVER = """
            UPDATE baton_task SET state = 'RUNNABLE', priority = 1, wake_at = ?, updated_at = ?
             WHERE id = ? AND state = 'RUNNING' AND attempt = ?
               AND (? OR NOT EXISTS (SELECT 1 FROM qrtz_scheduler_state s
                                      WHERE s.sched_name = ? AND s.instance_name = baton_task.owner))""";

    /**
     * The task row and the step row in one statement (one round trip; atomic on its own), fenced: only the attempt
     * that owns the running task writes (the fence is a parameter only so the chaos suite can show that turning it off
     * is caught).
     */
    private static final String CHECKPOINT = """
            WITH task AS (
                UPDATE baton_task
                   SET state = ?, context = ?::jsonb, next_step = ?, step_seq = step_seq + 1, step_attempt = 0,
                       result = ?::jsonb, error = ?::jsonb, wake_at = ?, finished_at = ?, updated_at = ?,
                       resumed_with = CASE WHEN ? THEN resumed_with END
                 WHERE id = ? AND ((attempt = ? AND state = 'RUNNING') OR NOT ?)
                RETURNING id, step_seq)
            INSERT INTO baton_step (task_id, seq, step_name, outcome, tries, attempt, node, started_at, finished_at)
            SELECT id, step_seq, ?, ?, ?, ?, ?, ?, ? FROM task
            RETURNING seq""";

    private static final String RESUME_WAITING = """
            UPDATE baton_task SET state = 'RUNNABLE', next_step = ?, resumed_with = ?::jsonb, wake_at = ?,
                   updated_at = ?
             WHERE id = ? AND state = 'WAITING'""";

    private static final String FAIL_WAITING = """
            UPDATE baton_task SET state = 'FAILED', error = ?::jsonb, wake_at = NULL, finished_at = ?, updated_at = ?
             WHERE id = ? AND state = 'WAITING'""";

    private static final String EXTEND_WAITING = """
            UPDATE baton_task SET wake_at = ?, updated_at = ? WHERE id = ? AND state = 'WAITING'""";

    private static final String RETRY_LATER = """
            UPDATE baton_task
               SET state = 'RUNNABLE', step_attempt = step_attempt + 1, error = ?::jsonb, wake_at = ?, updated_at = ?
             WHERE id = ? AND attempt = ? AND state = 'RUNNING'""";

    /** FAILED -> RUNNABLE at a step, by an operator: the context is kept; the step timeline goes on. */
    private static final String RETRY_FAILED = """
            UPDATE baton_task
               SET state = 'RUNNABLE', next_step = ?, step_attempt = 0, result = NULL, error = NULL,
                   resumed_with = CASE WHEN ? THEN resumed_with END, finished_at = NULL, priority = 0, wake_at = ?,
                   updated_at = ?
             WHERE id = ? AND state = 'FAILED'""";

    private static final String CANCEL = """
            UPDATE baton_task SET state = 'CANCELLED', finished_at = ?, wake_at = NULL, updated_at = ?
             WHERE id = ? AND state = ANY(?)""";

    private static final String STEPS = """
            SELECT task_id, seq, step_name, outcome, tries, attempt, node, started_at, finished_at
              FROM baton_step WHERE task_id = ? ORDER BY seq""";

    private static final String RECORD_FENCED = """
            INSERT INTO baton_fenced_checkpoint (task_id, step_name, attempt, node, at) VALUES (?, ?, ?, ?, ?)""";

    /** RUNNING under a node that is no longer a cluster member, or under this node but stale. */
    private static final String ORPHANED = """
            SELECT id, attempt, owner FROM baton_task t
             WHERE state = 'RUNNING'
               AND ((owner = ? AND updated_at < ?)
                 OR (owner <> ? AND NOT EXISTS (SELECT 1 FROM qrtz_scheduler_state s
                                                 WHERE s.sched_name = ? AND s.instance_name = t.owner)))
             LIMIT ?""";

    private final DataSource dataSource;
    private final JsonColumns columns;
    private final boolean fenced;

    public TaskRepository(DataSource dataSource, ObjectMapper json) {
        this(dataSource, json, true);
    }

    /**
     * With {@code fenced} false, checkpoints no longer check the attempt and the state (a stale attempt's write lands):
     * a deliberately broken build, armed only by {@code BATON_FAULT_POINT=no-fence}, for the test that shows the chaos
     * suite fails when the fence is gone.
     */
    public TaskRepository(DataSource dataSource, ObjectMapper json, boolean fenced) {
        this.dataSource = dataSource;
        this.columns = new JsonColumns(json);
        this.fenced = fenced;
    }

    /** Inserts a RUNNABLE task, or returns empty if a task with this agent and idempotency key exists. */
    public Optional<Task> insert(UUID id, String agent, JsonNode input, String firstStep, String idempotencyKey,
                                 Instant now) {
        try (Connection c = dataSource.getConnection()) {
            return insert(c, id, agent, input, firstStep, idempotencyKey, now);
        } catch (SQLException e) {
            throw StoreException.from("inserting task " + id + " failed", e);
        }
    }

    /** {@link #insert(UUID, String, JsonNode, String, String, Instant)} in the transaction of {@code c}. */
    public Optional<Task> insert(Connection c, UUID id, String agent, JsonNode input, String firstStep,
                                 String idempotencyKey, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setObject(1, id);
            ps.setString(2, agent);
            ps.setString(3, columns.write(input));
            ps.setString(4, firstStep);
            ps.setString(5, idempotencyKey);
            ps.setTimestamp(6, Timestamp.from(now));
            ps.setTimestamp(7, Timestamp.from(now));
            ps.setTimestamp(8, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    public Optional<Task> find(UUID id) {
        return queryOne(FIND, ps -> ps.setObject(1, id));
    }

    public Optional<Task> findByIdempotencyKey(String agent, String key) {
        return queryOne(FIND_BY_KEY, ps -> {
            ps.setString(1, agent);
            ps.setString(2, key);
        });
    }

    /**
     * RUNNING -> RUNNABLE for {@code attempt}, when its owner is not a live member of {@code cluster} or when
     * {@code ownerKnownIdle} (the caller is the owner and knows it is not running the task).
     */
    public boolean recover(UUID id, long attempt, boolean ownerKnownIdle, String cluster, Instant now) {
        TaskState.require(TaskState.RUNNING, TaskState.RUNNABLE);
        return update(RECOVER, ps -> {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setObject(3, id);
            ps.setLong(4, attempt);
            ps.setBoolean(5, ownerKnownIdle);
            ps.setString(6, cluster);
        }) == 1;
    }

    /**
     * The checkpoint's writes (task row and step row, one statement) on the caller's connection, only if the run's
     * attempt still owns the running task. Returns the new step sequence, or empty when the attempt was fenced out
     * (nothing written). In autocommit mode the statement is its own transaction.
     */
    public Optional<Integer> checkpoint(Connection connection, Checkpoint c) throws SQLException {
        if (c.newState() != TaskState.RUNNING) { // RUNNING means "go on in this slice": no state change
            TaskState.require(TaskState.RUNNING, c.newState());
        }
        StepRun run = c.run();
        try (PreparedStatement ps = connection.prepareStatement(CHECKPOINT)) {
            ps.setString(1, c.newState().name());
            ps.setString(2, columns.write(c.context()));
            ps.setString(3, c.nextStep());
            ps.setString(4, columns.write(c.result()));
            ps.setString(5, columns.write(c.error()));
            ps.setTimestamp(6, JsonColumns.timestamp(c.wakeAt()));
            ps.setTimestamp(7, c.newState().isTerminal() ? Timestamp.from(c.at()) : null);
            ps.setTimestamp(8, Timestamp.from(c.at()));
            // a FAILED task keeps what resumed its last wait, for an operator's retry of the step that failed
            ps.setBoolean(9, c.newState() == TaskState.FAILED);
            ps.setObject(10, run.taskId());
            ps.setLong(11, run.attempt());
            ps.setBoolean(12, fenced);
            ps.setString(13, run.stepName());
            ps.setString(14, c.outcome());
            ps.setInt(15, run.tries());
            ps.setLong(16, run.attempt());
            ps.setString(17, run.node());
            ps.setTimestamp(18, Timestamp.from(run.startedAt()));
            ps.setTimestamp(19, Timestamp.from(c.at()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
            }
        }
    }

    /** {@link #checkpoint(Connection, Checkpoint)} as a statement of its own (its own transaction). */
    public Optional<Integer> checkpoint(Checkpoint c) {
        try (Connection connection = dataSource.getConnection()) {
            return checkpoint(connection, c);
        } catch (SQLException e) {
            throw StoreException.from("checkpoint of task " + c.run().taskId() + " failed", e);
        }
    }

    /** WAITING -> RUNNABLE: a wait was resumed, timed out to a step, or failed to a step. */
    public boolean resumeWaiting(Connection c, UUID id, String nextStep, JsonNode resumedWith, Instant now)
            throws SQLException {
        TaskState.require(TaskState.WAITING, TaskState.RUNNABLE);
        try (PreparedStatement ps = c.prepareStatement(RESUME_WAITING)) {
            ps.setString(1, nextStep);
            ps.setString(2, columns.write(resumedWith));
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setObject(5, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** WAITING -> FAILED: a wait timed out or was failed, and has no step for that. */
    public boolean failWaiting(Connection c, UUID id, JsonNode error, Instant now) throws SQLException {
        TaskState.require(TaskState.WAITING, TaskState.FAILED);
        try (PreparedStatement ps = c.prepareStatement(FAIL_WAITING)) {
            ps.setString(1, columns.write(error));
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setObject(4, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** Moves a waiting task's deadline (its wake-up time). */
    public boolean extendWaiting(Connection c, UUID id, Instant deadline, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(EXTEND_WAITING)) {
            ps.setTimestamp(1, Timestamp.from(deadline));
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setObject(3, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** RUNNING -> RUNNABLE after a failed try that will be retried at {@code retryAt}; fenced by attempt. */
    public boolean retryLater(UUID id, long attempt, JsonNode error, Instant retryAt, Instant now) {
        TaskState.require(TaskState.RUNNING, TaskState.RUNNABLE);
        return update(RETRY_LATER, ps -> {
            ps.setString(1, columns.write(error));
            ps.setTimestamp(2, Timestamp.from(retryAt));
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setObject(4, id);
            ps.setLong(5, attempt);
        }) == 1;
    }

    /**
     * FAILED -> RUNNABLE at {@code step}, on the caller's transaction; false if the task is not FAILED.
     *
     * @param keepResumedWith the step gets what resumed the wait before it again (it is the step that failed)
     */
    public boolean retryFailed(Connection c, UUID id, String step, boolean keepResumedWith, Instant now)
            throws SQLException {
        TaskState.require(TaskState.FAILED, TaskState.RUNNABLE);
        try (PreparedStatement ps = c.prepareStatement(RETRY_FAILED)) {
            ps.setString(1, step);
            ps.setBoolean(2, keepResumedWith);
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setObject(5, id);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Any non-terminal state -> CANCELLED, on the caller's transaction (which revokes the task's waits with it). A
     * running attempt's later checkpoint is then fenced out. False if the task had already finished (or is unknown).
     */
    public boolean cancel(Connection connection, UUID id, Instant now) throws SQLException {
        String[] from = TaskState.sourcesOf(TaskState.CANCELLED).stream().map(Enum::name).toArray(String[]::new);
        try (PreparedStatement cancel = connection.prepareStatement(CANCEL)) {
            cancel.setTimestamp(1, Timestamp.from(now));
            cancel.setTimestamp(2, Timestamp.from(now));
            cancel.setObject(3, id);
            cancel.setArray(4, connection.createArrayOf("text", from));
            return cancel.executeUpdate() == 1;
        }
    }

    public List<StepRecord> steps(UUID taskId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement ps = connection.prepareStatement(STEPS)) {
            ps.setObject(1, taskId);
            List<StepRecord> steps = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    steps.add(new StepRecord(rs.getObject(1, UUID.class), rs.getInt(2), rs.getString(3),
                            rs.getString(4), rs.getInt(5), rs.getLong(6), rs.getString(7),
                            rs.getTimestamp(8).toInstant(), rs.getTimestamp(9).toInstant()));
                }
            }
            return steps;
        } catch (SQLException e) {
            throw StoreException.from("reading steps of task " + taskId + " failed", e);
        }
    }

    public void recordFenced(UUID taskId, String step, long attempt, String node, Instant now) {
        update(RECORD_FENCED, ps -> {
            ps.setObject(1, taskId);
            ps.setString(2, step);
            ps.setLong(3, attempt);
            ps.setString(4, node);
            ps.setTimestamp(5, Timestamp.from(now));
        });
    }

    /** A RUNNING task whose attempt may have been abandoned. */
    public record Orphan(UUID id, long attempt, String owner) {
    }

    public List<Orphan> orphaned(String node, String cluster, Instant staleBefore, int limit) {
        List<Orphan> orphans = new ArrayList<>();
        query(ORPHANED, ps -> {
            ps.setString(1, node);
            ps.setTimestamp(2, Timestamp.from(staleBefore));
            ps.setString(3, node);
            ps.setString(4, cluster);
            ps.setInt(5, limit);
        }, rs -> orphans.add(new Orphan(rs.getObject(1, UUID.class), rs.getLong(2), rs.getString(3))));
        return orphans;
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private interface RowHandler {
        void handle(ResultSet rs) throws SQLException;
    }

    private int update(String sql, Binder binder) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement ps = connection.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw StoreException.from("task update failed", e);
        }
    }

    private void query(String sql, Binder binder, RowHandler handler) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement ps = connection.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    handler.handle(rs);
                }
            }
        } catch (SQLException e) {
            throw StoreException.from("task query failed", e);
        }
    }

    private Optional<Task> queryOne(String sql, Binder binder) {
        List<Task> tasks = new ArrayList<>(1);
        query(sql, binder, rs -> tasks.add(map(rs)));
        return tasks.stream().findFirst();
    }

    Task map(ResultSet rs) throws SQLException {
        return new Task(
                rs.getObject("id", UUID.class),
                rs.getString("agent"),
                TaskState.valueOf(rs.getString("state")),
                columns.read(rs.getString("input")),
                (ObjectNode) columns.read(rs.getString("context")),
                rs.getString("next_step"),
                rs.getInt("step_seq"),
                rs.getInt("step_attempt"),
                rs.getLong("attempt"),
                rs.getString("owner"),
                rs.getString("idempotency_key"),
                columns.read(rs.getString("result")),
                columns.read(rs.getString("error")),
                JsonColumns.instant(rs.getTimestamp("wake_at")),
                JsonColumns.instant(rs.getTimestamp("created_at")),
                JsonColumns.instant(rs.getTimestamp("updated_at")),
                JsonColumns.instant(rs.getTimestamp("finished_at")),
                columns.read(rs.getString("resumed_with")));
    }
}
