package io.baton.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The audit log of admin changes ({@code baton_audit}): written in the change's transaction, read newest first. */
public final class AuditLog {
    private static final String WRITE = """
            INSERT INTO baton_audit (at, key_id, role, action, target, parameters, result)
            VALUES (?, ?, ?, ?, ?, ?::jsonb, ?)""";

    private static final String LIST = """
            SELECT id, at, key_id, role, action, target, parameters::text, result FROM baton_audit
             WHERE (?::bigint IS NULL OR id < ?) AND (?::text IS NULL OR key_id = ?)
               AND (?::text IS NULL OR action = ?) AND (?::text IS NULL OR target = ?)
               AND (?::timestamptz IS NULL OR at >= ?) AND (?::timestamptz IS NULL OR at < ?)
             ORDER BY id DESC LIMIT ?""";

    /** One row of the log. */
    public record Record(long id, Instant at, String keyId, String role, String action, String target,
                         JsonNode parameters, String result) {
    }

    /** What to list: each part {@code null} for any; {@code before} is the id of the last row of the page before. */
    public record Query(String keyId, String action, String target, Instant from, Instant to, Long before,
                        int limit) {
    }

    private static final java.util.regex.Pattern UNSUPPORTED_ESCAPE = java.util.regex.Pattern.compile(
            "\\\\u(0000|[dD][89a-fA-F][0-9a-fA-F]{2})");

    private final ObjectMapper json;

    public AuditLog(ObjectMapper json) {
        this.json = json;
    }

    /** Writes {@code entry} with its {@code result}, in the transaction of {@code c}. */
    public void write(Connection c, AuditEntry entry, String result, Instant at) throws SQLException {
        if (entry == null) {
            return; // a change made through the Java API, not the admin API
        }
        try (PreparedStatement ps = c.prepareStatement(WRITE)) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setString(2, entry.keyId());
            ps.setString(3, entry.role());
            ps.setString(4, entry.action());
            ps.setString(5, textSafe(entry.target()));
            ps.setString(6, entry.parameters() == null ? "{}" : jsonbSafe(entry.parameters().toString()));
            ps.setString(7, textSafe(result));
            ps.executeUpdate();
        }
        entry.markRecorded();
    }

    /**
     * PostgreSQL's jsonb holds no NUL character and no lone surrogate: an odd request is still audited, with U+FFFD
     * in their place.
     */
    private static String jsonbSafe(String json) {
        return UNSUPPORTED_ESCAPE.matcher(json).replaceAll("\\\\ufffd");
    }

    /** PostgreSQL's text holds no NUL character (a refusal's detail may quote one from the request). */
    private static String textSafe(String text) {
        return text == null ? null : text.replace('\u0000', '\ufffd');
    }

    public List<Record> list(Connection c, Query q) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LIST)) {
            int i = 1;
            ps.setObject(i++, q.before());
            ps.setObject(i++, q.before());
            for (String text : new String[] {q.keyId(), q.action(), q.target()}) {
                ps.setString(i++, text);
                ps.setString(i++, text);
            }
            for (Instant at : new Instant[] {q.from(), q.to()}) {
                ps.setTimestamp(i++, at == null ? null : Timestamp.from(at));
                ps.setTimestamp(i++, at == null ? null : Timestamp.from(at));
            }
            ps.setInt(i, q.limit());
            List<Record> found = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new Record(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), json.readTree(rs.getString(7)),
                            rs.getString(8)));
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("an audit row holds invalid JSON", e);
            }
            return found;
        }
    }
}
