package io.baton.ops.admin;

import io.baton.persistence.Transactions;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Tasks as the admin API lists them: filtered, newest first, a page at a time with a keyset cursor (created time and
 * id of the last row), so page 1,000 costs what page 1 does and a task created meanwhile shifts nothing.
 */
final class TaskListing {
    /** The filters; bound by {@link #bind}. */
    private static final String WHERE = """
             WHERE (?::text[] IS NULL OR t.state = ANY(?::text[]))
               AND (?::text IS NULL OR t.agent = ?)
               AND (?::timestamptz IS NULL OR t.created_at >= ?) AND (?::timestamptz IS NULL OR t.created_at < ?)
               AND (?::timestamptz IS NULL OR t.updated_at >= ?) AND (?::timestamptz IS NULL OR t.updated_at < ?)
               AND (?::text IS NULL OR t.error ->> 'message' ILIKE '%' || ? || '%' OR t.error ->> 'type' = ?)
               AND (?::text IS NULL OR EXISTS (
                       SELECT 1 FROM baton_wait w WHERE w.task_id = t.id AND w.state = 'OPEN'
                          AND (lower(w.kind) = ? OR w.source = ?)))
            """;

    private static final String LIST = """
            SELECT t.id, t.agent, t.state, t.next_step, t.step_seq, t.attempt, t.owner, t.error ->> 'message',
                   t.created_at, t.updated_at, t.finished_at, t.wake_at
              FROM baton_task t""" + WHERE + """
               AND (?::timestamptz IS NULL OR (t.created_at, t.id) < (?, ?))
             ORDER BY t.created_at DESC, t.id DESC
             LIMIT ?""";

    private static final String COUNT = "SELECT count(*) FROM baton_task t" + WHERE;

    private static final String OLDEST = "SELECT t.id FROM baton_task t" + WHERE
            + " ORDER BY t.created_at, t.id LIMIT ?";

    /** The filters, each {@code null} for any. {@code waitingOn}: {@code token}, {@code event}, or a source name. */
    record Filter(List<String> states, String agent, Instant createdFrom, Instant createdTo, Instant updatedFrom,
                  Instant updatedTo, String error, String waitingOn) {
    }

    /** One task in a list. */
    record Row(UUID id, String agent, String state, String nextStep, int checkpoints, long attempt, String owner,
               String error, Instant createdAt, Instant updatedAt, Instant finishedAt, Instant wakeAt) {
    }

    /** A page and the cursor of the next one ({@code null} on the last). */
    record Page(List<Row> tasks, String next) {
    }

    private final Transactions transactions;

    TaskListing(Transactions transactions) {
        this.transactions = transactions;
    }

    Page list(Filter f, String cursor, int limit) {
        Cursor after = cursor == null ? null : Cursor.parse(cursor);
        List<Row> rows = transactions.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(LIST)) {
                int i = bind(c, ps, f);
                ps.setTimestamp(i++, after == null ? null : Timestamp.from(after.createdAt()));
                ps.setTimestamp(i++, after == null ? null : Timestamp.from(after.createdAt()));
                ps.setObject(i++, after == null ? null : after.id());
                ps.setInt(i, limit + 1);
                List<Row> found = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(new Row(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                                rs.getString(4), rs.getInt(5), rs.getLong(6), rs.getString(7), rs.getString(8),
                                instant(rs.getTimestamp(9)), instant(rs.getTimestamp(10)),
                                instant(rs.getTimestamp(11)), instant(rs.getTimestamp(12))));
                    }
                }
                return found;
            }
        });
        if (rows.size() <= limit) {
            return new Page(rows, null);
        }
        Row last = rows.get(limit - 1);
        return new Page(rows.subList(0, limit), new Cursor(last.createdAt(), last.id()).text());
    }

    /** How many tasks the filter matches. */
    long count(Filter f) {
        return transactions.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(COUNT)) {
                bind(c, ps, f);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** The ids of the oldest {@code limit} tasks the filter matches, oldest first. */
    List<UUID> oldest(Filter f, int limit) {
        return transactions.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(OLDEST)) {
                ps.setInt(bind(c, ps, f), limit);
                List<UUID> ids = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getObject(1, UUID.class));
                    }
                }
                return ids;
            }
        });
    }

    /** Binds the filter's parameters of {@link #WHERE}; returns the index of the next parameter. */
    private static int bind(java.sql.Connection c, PreparedStatement ps, Filter f) throws java.sql.SQLException {
        int i = 1;
        java.sql.Array states = f.states() == null ? null : c.createArrayOf("text", f.states().toArray());
        ps.setArray(i++, states);
        ps.setArray(i++, states);
        ps.setString(i++, f.agent());
        ps.setString(i++, f.agent());
        for (Instant at : new Instant[] {f.createdFrom(), f.createdTo(), f.updatedFrom(), f.updatedTo()}) {
            ps.setTimestamp(i++, at == null ? null : Timestamp.from(at));
            ps.setTimestamp(i++, at == null ? null : Timestamp.from(at));
        }
        ps.setString(i++, f.error());
        ps.setString(i++, f.error());
        ps.setString(i++, f.error());
        ps.setString(i++, f.waitingOn());
        ps.setString(i++, f.waitingOn() == null ? null : f.waitingOn().toLowerCase(java.util.Locale.ROOT));
        ps.setString(i++, f.waitingOn());
        return i;
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    /** Where a page ends: opaque to clients (base64 of the time in microseconds and the id). */
    record Cursor(Instant createdAt, UUID id) {
        String text() {
            long micros = createdAt.getEpochSecond() * 1_000_000 + createdAt.getNano() / 1000;
            return Base64.getUrlEncoder().withoutPadding().encodeToString((micros + ":" + id)
                    .getBytes(StandardCharsets.UTF_8));
        }

        static Cursor parse(String text) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split(":");
                long micros = Long.parseLong(parts[0]);
                return new Cursor(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000),
                        Math.floorMod(micros, 1_000_000) * 1000L), UUID.fromString(parts[1]));
            } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException | java.time.DateTimeException e) {
                throw new InvalidCursorException();
            }
        }
    }

    /** A cursor that this API did not make. */
    static final class InvalidCursorException extends RuntimeException {
        InvalidCursorException() {
            super("not a cursor from this API");
        }
    }
}
