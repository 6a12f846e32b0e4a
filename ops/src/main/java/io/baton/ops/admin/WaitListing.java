package io.baton.ops.admin;

import io.baton.persistence.JsonColumns;
import io.baton.persistence.Transactions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The waits that have not ended, oldest first, a page at a time (keyset on created time and id), with what an operator
 * asks of each: whose task, which agent, until when, the last heartbeat, and whether the {@code task.waiting} callback
 * that announced it reached every endpoint ({@code none} when no endpoint takes it, {@code pending}, {@code dead},
 * {@code delivered}).
 */
final class WaitListing {
    private static final String LIST = """
            SELECT w.id, w.task_id, t.agent, w.seq, w.kind, w.state, w.source, w.correlation_key, w.deadline,
                   w.max_deadline, w.last_heartbeat_at, w.created_at,
                   (SELECT CASE WHEN count(d.event_id) = 0 THEN 'none'
                                WHEN bool_and(d.state = 'DELIVERED') THEN 'delivered'
                                WHEN bool_or(d.state = 'DEAD') THEN 'dead'
                                ELSE 'pending' END
                      FROM baton_event e JOIN baton_callback_delivery d ON d.event_id = e.id
                     WHERE e.wait_id = w.id AND e.type = 'task.waiting')
              FROM baton_wait w JOIN baton_task t ON t.id = w.task_id
             WHERE w.state = ANY(?::text[])
               AND (?::text IS NULL OR t.agent = ?)
               AND (?::text IS NULL OR lower(w.kind) = ? OR w.source = ?)
               AND (?::timestamptz IS NULL OR w.deadline <= ?)
               AND (?::timestamptz IS NULL OR (w.created_at, w.id) > (?, ?))
             ORDER BY w.created_at, w.id
             LIMIT ?""";

    /** Filters, each {@code null} for any; {@code deadlineBefore}: waits whose deadline comes before it. */
    record Filter(List<String> states, String agent, String kind, Instant deadlineBefore) {
    }

    /** One wait in the list. */
    record Row(UUID id, UUID taskId, String agent, int seq, String kind, String state, String source,
               String correlationKey, Instant deadline, Instant maxDeadline, Instant lastHeartbeatAt,
               Instant createdAt, String waitingCallback) {
    }

    record Page(List<Row> waits, String next) {
    }

    private final Transactions transactions;

    WaitListing(Transactions transactions) {
        this.transactions = transactions;
    }

    Page list(Filter f, String cursor, int limit) {
        TaskListing.Cursor after = cursor == null ? null : TaskListing.Cursor.parse(cursor);
        List<Row> rows = transactions.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(LIST)) {
                int i = 1;
                ps.setArray(i++, c.createArrayOf("text", f.states().toArray()));
                ps.setString(i++, f.agent());
                ps.setString(i++, f.agent());
                String kind = f.kind() == null ? null : f.kind().toLowerCase(java.util.Locale.ROOT);
                ps.setString(i++, kind);
                ps.setString(i++, kind);
                ps.setString(i++, f.kind());
                Timestamp before = f.deadlineBefore() == null ? null : Timestamp.from(f.deadlineBefore());
                ps.setTimestamp(i++, before);
                ps.setTimestamp(i++, before);
                Timestamp from = after == null ? null : Timestamp.from(after.createdAt());
                ps.setTimestamp(i++, from);
                ps.setTimestamp(i++, from);
                ps.setObject(i++, after == null ? null : after.id());
                ps.setInt(i, limit + 1);
                List<Row> found = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(new Row(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3),
                                rs.getInt(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                                JsonColumns.instant(rs.getTimestamp(9)), JsonColumns.instant(rs.getTimestamp(10)),
                                JsonColumns.instant(rs.getTimestamp(11)), JsonColumns.instant(rs.getTimestamp(12)),
                                rs.getString(13)));
                    }
                }
                return found;
            }
        });
        if (rows.size() <= limit) {
            return new Page(rows, null);
        }
        Row last = rows.get(limit - 1);
        return new Page(rows.subList(0, limit), new TaskListing.Cursor(last.createdAt(), last.id()).text());
    }
}
