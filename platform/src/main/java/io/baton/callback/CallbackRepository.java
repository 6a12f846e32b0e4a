package io.baton.callback;

import io.baton.secret.SealedColumn;
import io.baton.secret.SecretBox;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Registered endpoints ({@code baton_callback}); their secrets only ever as sealed by {@link SecretBox}. */
public final class CallbackRepository {
    /** An endpoint's signing secret, sealed for the endpoint (the previous one keeps the place of the current). */
    public static final SealedColumn SECRET = new SealedColumn("baton_callback", "secret_key_id", "secret",
            "baton_callback.secret", "id::text");
    /** The secret a rotation replaced, still sent during the overlap; sealed as it was when current. */
    public static final SealedColumn PREVIOUS_SECRET = new SealedColumn("baton_callback", "previous_secret_key_id",
            "previous_secret", "baton_callback.secret", "id::text");
    private static final String COLUMNS = """
            id, url, event_types, agent, description, enabled, disabled_reason, failing_since, previous_until,
            created_at, updated_at""";

    private static final String INSERT = """
            INSERT INTO baton_callback (id, url, event_types, agent, description, secret_key_id, secret, enabled,
                                        created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, true, ?, ?)
            RETURNING\s""" + COLUMNS;

    private static final String BY_ID = "SELECT " + COLUMNS + " FROM baton_callback WHERE id = ?";

    private static final String ALL = "SELECT " + COLUMNS + " FROM baton_callback ORDER BY created_at, id";

    private static final String SET_ENABLED = """
            UPDATE baton_callback
               SET enabled = ?, disabled_reason = ?, failing_since = CASE WHEN ? THEN NULL ELSE failing_since END,
                   updated_at = ?
             WHERE id = ?
            RETURNING\s""" + COLUMNS;

    private static final String ROTATE = """
            UPDATE baton_callback
               SET previous_secret_key_id = secret_key_id, previous_secret = secret, previous_until = ?,
                   secret_key_id = ?, secret = ?, updated_at = ?
             WHERE id = ?
            RETURNING\s""" + COLUMNS;

    private static final String DELETE = "DELETE FROM baton_callback WHERE id = ?";

    private static final String SECRETS = """
            SELECT secret_key_id, secret, previous_secret_key_id, previous_secret, previous_until
              FROM baton_callback WHERE id = ?""";

    /** The sealed secrets of an endpoint: the current one, and the previous one while it is still sent. */
    public record SealedSecrets(SecretBox.Sealed current, SecretBox.Sealed previous, Instant previousUntil) {
    }

    public Callback insert(Connection c, UUID id, String url, List<String> types, String agent, String description,
                           SecretBox.Sealed secret, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setObject(1, id);
            ps.setString(2, url);
            ps.setArray(3, c.createArrayOf("text", types.toArray()));
            ps.setString(4, agent);
            ps.setString(5, description);
            ps.setString(6, secret.keyId());
            ps.setString(7, secret.value());
            ps.setTimestamp(8, Timestamp.from(now));
            ps.setTimestamp(9, Timestamp.from(now));
            return one(ps).orElseThrow();
        }
    }

    public Optional<Callback> find(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BY_ID)) {
            ps.setObject(1, id);
            return one(ps);
        }
    }

    public List<Callback> all(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ALL); ResultSet rs = ps.executeQuery()) {
            List<Callback> found = new ArrayList<>();
            while (rs.next()) {
                found.add(map(rs));
            }
            return found;
        }
    }

    /** Enables (clearing the reason and the failure streak) or disables with {@code reason}. */
    public Optional<Callback> setEnabled(Connection c, UUID id, boolean enabled, String reason, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SET_ENABLED)) {
            ps.setBoolean(1, enabled);
            ps.setString(2, enabled ? null : reason);
            ps.setBoolean(3, enabled);
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setObject(5, id);
            return one(ps);
        }
    }

    /** The new secret becomes current; the old one is still sent beside it until {@code previousUntil}. */
    public Optional<Callback> rotate(Connection c, UUID id, SecretBox.Sealed secret, Instant previousUntil,
                                     Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ROTATE)) {
            ps.setTimestamp(1, Timestamp.from(previousUntil));
            ps.setString(2, secret.keyId());
            ps.setString(3, secret.value());
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setObject(5, id);
            return one(ps);
        }
    }

    public boolean delete(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(DELETE)) {
            ps.setObject(1, id);
            return ps.executeUpdate() == 1;
        }
    }

    public Optional<SealedSecrets> secrets(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SECRETS)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                SecretBox.Sealed previous = rs.getString(4) == null ? null
                        : new SecretBox.Sealed(rs.getString(3), rs.getString(4));
                Timestamp until = rs.getTimestamp(5);
                return Optional.of(new SealedSecrets(new SecretBox.Sealed(rs.getString(1), rs.getString(2)), previous,
                        until == null ? null : until.toInstant()));
            }
        }
    }

    private static Optional<Callback> one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(map(rs)) : Optional.empty();
        }
    }

    private static Callback map(ResultSet rs) throws SQLException {
        Array types = rs.getArray("event_types");
        return new Callback(rs.getObject("id", UUID.class), rs.getString("url"),
                Arrays.asList((String[]) types.getArray()), rs.getString("agent"), rs.getString("description"),
                rs.getBoolean("enabled"), rs.getString("disabled_reason"), instant(rs.getTimestamp("failing_since")),
                instant(rs.getTimestamp("previous_until")), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("updated_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
