package io.baton.task;

import io.baton.persistence.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Counts for the metrics: tasks by agent and state, and waits open and expiring soon, cluster-wide. */
public final class TaskCensus {
    private static final String TASKS = "SELECT agent, state, count(*) FROM baton_task GROUP BY agent, state";
    private static final String WAITS = """
            SELECT count(*), count(*) FILTER (WHERE deadline <= ?) FROM baton_wait WHERE state = 'OPEN'""";

    private final DataSource dataSource;

    public TaskCensus(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public record Count(String agent, String state, long tasks) {
    }

    /** Open waits, and those whose deadline comes before {@code soon}. */
    public record Waits(long open, long expiring) {
    }

    public List<Count> tasks() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(TASKS);
             ResultSet rs = ps.executeQuery()) {
            List<Count> counts = new ArrayList<>();
            while (rs.next()) {
                counts.add(new Count(rs.getString(1), rs.getString(2), rs.getLong(3)));
            }
            return counts;
        } catch (SQLException e) {
            throw StoreException.from("counting tasks failed", e);
        }
    }

    public Waits waits(Instant soon) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(WAITS)) {
            ps.setTimestamp(1, Timestamp.from(soon));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Waits(rs.getLong(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw StoreException.from("counting waits failed", e);
        }
    }
}
