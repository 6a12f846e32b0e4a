package io.baton.ops.access;

import io.baton.audit.AuditEntry;
import io.baton.audit.AuditLog;
import io.baton.ops.admin.AdminApiKey;
import io.baton.persistence.Transactions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Admin API keys ({@code baton_api_key}): {@code bak_} and 256 random bits, shown once when made; only the SHA-256
 * is stored, and looked up by it (a hash compare in the index, not the key's text). The bootstrap key (configuration,
 * or generated at first start) is an admin that is not in the table. A lookup is remembered for
 * {@value #REMEMBER_SECONDS} seconds, so a revoked key stops working on every node within that.
 */
public final class ApiKeys {
    static final int REMEMBER_SECONDS = 2;
    public static final String PREFIX = "bak_";
    public static final int MAX_NAME_LENGTH = 200;

    private static final String INSERT = """
            INSERT INTO baton_api_key (id, name, role, prefix, hash, created_by, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)""";
    private static final String BY_HASH = """
            SELECT id, role FROM baton_api_key WHERE hash = ? AND revoked_at IS NULL""";
    private static final String LIST = """
            SELECT id, name, role, prefix, created_by, created_at, revoked_at FROM baton_api_key
             ORDER BY created_at, id""";
    private static final String REVOKE = """
            UPDATE baton_api_key SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL""";

    /** A new key, shown this once. */
    public record Made(ApiKey key, String secret) {
        @Override
        public String toString() {
            return "Made[" + key + ", secret=****]";
        }
    }

    private record Remembered(Optional<Caller> caller, Instant until) {
    }

    private final Transactions transactions;
    private final AuditLog audit;
    private final AdminApiKey bootstrap;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();

    public ApiKeys(Transactions transactions, AuditLog audit, AdminApiKey bootstrap, Clock clock) {
        this.transactions = transactions;
        this.audit = audit;
        this.bootstrap = bootstrap;
        this.clock = clock;
    }

    /** Who presents {@code presented}, if it is a live key. */
    public Optional<Caller> authenticate(String presented) {
        if (presented == null || presented.isEmpty() || presented.length() > 200) {
            return Optional.empty();
        }
        if (bootstrap.matches(presented)) {
            return Optional.of(new Caller(Caller.BOOTSTRAP, Role.ADMIN));
        }
        if (!presented.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String hash = sha256(presented);
        Instant now = clock.instant();
        Remembered known = remembered.get(hash);
        if (known != null && known.until().isAfter(now)) {
            return known.caller();
        }
        Optional<Caller> caller = transactions.inTransaction(c -> lookUp(c, hash));
        if (remembered.size() > 10_000) {
            remembered.clear(); // bounded: a flood of made-up keys cannot grow it
        }
        remembered.put(hash, new Remembered(caller, now.plus(Duration.ofSeconds(REMEMBER_SECONDS))));
        return caller;
    }

    public Made create(String name, Role role, AuditEntry entry) {
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes());
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        ApiKey key = new ApiKey(id, name, role, secret.substring(0, PREFIX.length() + 6), entry.keyId(), now, null);
        transactions.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setObject(1, id);
                ps.setString(2, name);
                ps.setString(3, role.wireName());
                ps.setString(4, key.prefix());
                ps.setString(5, sha256(secret));
                ps.setString(6, entry.keyId());
                ps.setTimestamp(7, Timestamp.from(now));
                ps.executeUpdate();
            }
            audit.write(c, entry, "created key " + id + " (" + role.wireName() + ")", now);
            return null;
        });
        return new Made(key, secret);
    }

    public List<ApiKey> list() {
        return transactions.inTransaction(c -> {
            List<ApiKey> keys = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(LIST); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp revoked = rs.getTimestamp(7);
                    keys.add(new ApiKey(rs.getObject(1, UUID.class), rs.getString(2),
                            Role.fromWire(rs.getString(3)).orElseThrow(), rs.getString(4), rs.getString(5),
                            rs.getTimestamp(6).toInstant(), revoked == null ? null : revoked.toInstant()));
                }
            }
            return keys;
        });
    }

    public Optional<ApiKey> find(UUID id) {
        return list().stream().filter(k -> k.id().equals(id)).findFirst();
    }

    /** Revokes the key: refused on every node within {@value #REMEMBER_SECONDS} seconds. False if already revoked. */
    public boolean revoke(UUID id, AuditEntry entry) {
        Instant now = clock.instant();
        return transactions.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(REVOKE)) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setObject(2, id);
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            audit.write(c, entry, "revoked", now);
            return true;
        });
    }

    private static Optional<Caller> lookUp(Connection c, String hash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BY_HASH)) {
            ps.setString(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Caller(rs.getObject(1, UUID.class).toString(),
                        Role.fromWire(rs.getString(2)).orElseThrow())) : Optional.empty();
            }
        }
    }

    private byte[] randomBytes() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String sha256(String text) {
        return io.baton.wait.ResumeToken.hash(text);
    }
}
