package io.baton.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.chaos.check.FinalState;
import io.baton.chaos.check.FinalState.Effect;
import io.baton.chaos.check.FinalState.Event;
import io.baton.chaos.check.FinalState.Received;
import io.baton.chaos.check.FinalState.StepRow;
import io.baton.chaos.check.FinalState.TaskRow;
import io.baton.chaos.check.FinalState.WaitRow;
import io.baton.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads what the checker needs from the run's database once the run has ended. */
final class FinalStateReader {
    private final ObjectMapper json = new ObjectMapper();

    private interface Row<T> {
        T read(ResultSet rs) throws Exception;
    }

    /** @param received the receiver's log, read last: whatever the database says was delivered, it has */
    FinalState read(TestDatabase db, String callbackId, java.util.function.Supplier<List<Received>> received)
            throws Exception {
        try (Connection c = db.connect()) {
            List<TaskRow> tasks = all(c, "SELECT id, state, step_seq FROM baton_task",
                    rs -> new TaskRow(rs.getString(1), rs.getString(2), rs.getInt(3)));
            List<StepRow> steps = all(c, "SELECT task_id, seq, step_name, outcome, attempt, node FROM baton_step",
                    rs -> new StepRow(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                            rs.getString(6)));
            List<WaitRow> waits = all(c, "SELECT id, task_id, seq, state, payload FROM baton_wait",
                    rs -> new WaitRow(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                            rs.getString(5) == null ? null : json.readTree(rs.getString(5))));
            List<Effect> effects = all(c, "SELECT idempotency_key, task_id, step, try_number, node FROM chaos_effect",
                    rs -> new Effect(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                            rs.getString(5)));
            List<Event> events = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT e.id, e.type, e.task_id, e.wait_id, d.state FROM baton_event e
                      LEFT JOIN baton_callback_delivery d ON d.event_id = e.id AND d.callback_id = ?::uuid""")) {
                ps.setString(1, callbackId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        events.add(new Event(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5)));
                    }
                }
            }
            return new FinalState(tasks, steps, waits, effects, received.get(), events, db.dumpAllTables());
        }
    }

    private static <T> List<T> all(Connection c, String sql, Row<T> row) throws Exception {
        List<T> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(row.read(rs));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the final state failed: " + sql, e);
        }
        return rows;
    }
}
