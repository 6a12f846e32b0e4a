package io.baton.secret;

import io.baton.persistence.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings every sealed column under the box's first key as a node starts: plain text left by a version before sealing
 * (no key id), and values sealed under a key that was rotated out of first place. It first refuses to go on if the
 * database holds values under a key the node does not have (a node that cannot open its cluster's secrets should not
 * start). Rows are taken in batches ({@code FOR UPDATE SKIP LOCKED}, so starting nodes share the work); rows locked
 * by someone else are looked at again in a later pass, until none is left or {@value #MAX_PASSES} passes are done.
 * The SQL is built from the columns' names, which are constants of the code, never input.
 */
public final class Resealer {
    private static final Logger LOG = LoggerFactory.getLogger(Resealer.class);
    private static final int BATCH = 200;
    private static final int MAX_PASSES = 50;
    private static final long PAUSE_MILLIS = 100;

    private final Transactions transactions;
    private final SecretBox box;

    public Resealer(Transactions transactions, SecretBox box) {
        this.transactions = transactions;
        this.box = box;
    }

    /**
     * Reseals every column; how many values were re-sealed.
     *
     * @throws SecretUnavailableException if a stored value is sealed under a key id this node does not have
     */
    public int resealAll(List<SealedColumn> columns) {
        for (SealedColumn column : columns) {
            Set<String> unknown = transactions.inTransaction(c -> unknownKeys(c, column));
            if (!unknown.isEmpty()) {
                throw new SecretUnavailableException(column.table() + "." + column.valueColumn()
                        + " holds secrets sealed under key id(s) " + unknown + ", which BATON_SECRET_KEY does not "
                        + "list on this node (it lists " + box.keyIds() + "); add the missing key after the first");
            }
        }
        int done = 0;
        for (SealedColumn column : columns) {
            done += reseal(column);
        }
        return done;
    }

    private int reseal(SealedColumn column) {
        int done = 0;
        for (int pass = 1; pass <= MAX_PASSES; pass++) {
            done += pass(column);
            long left = transactions.inTransaction(c -> leftToReseal(c, column));
            if (left == 0) {
                return done;
            }
            sleep(); // rows another transaction held: look again shortly
        }
        LOG.warn("{} secret(s) in {}.{} were locked throughout and stay under an older key until the next start",
                transactions.inTransaction(c -> leftToReseal(c, column)), column.table(), column.valueColumn());
        return done;
    }

    private int pass(SealedColumn column) {
        int done = 0;
        UUID after = new UUID(0, 0); // the least in PostgreSQL's order (bytes, unsigned)
        while (true) {
            UUID from = after;
            List<UUID> batch = transactions.inTransaction(c -> resealBatch(c, column, from));
            if (batch.isEmpty()) {
                return done;
            }
            done += batch.size();
            after = batch.get(batch.size() - 1);
        }
    }

    /** Up to {@value #BATCH} rows after {@code after}, locked and re-sealed; their ids in order. */
    private List<UUID> resealBatch(Connection c, SealedColumn column, UUID after) throws SQLException {
        String select = "SELECT id, (" + column.rowKey() + ") AS row_key, " + column.keyIdColumn() + ", " + column.valueColumn()
                + " FROM " + column.table() + " WHERE " + stale(column) + " AND id > ? ORDER BY id LIMIT ?"
                + " FOR UPDATE SKIP LOCKED";
        String update = "UPDATE " + column.table() + " SET " + column.keyIdColumn() + " = ?, " + column.valueColumn()
                + " = ? WHERE id = ?";
        List<UUID> ids = new ArrayList<>();
        try (PreparedStatement find = c.prepareStatement(select);
             PreparedStatement write = c.prepareStatement(update)) {
            find.setString(1, box.currentKeyId());
            find.setArray(2, c.createArrayOf("text", box.keyIds().toArray()));
            find.setObject(3, after);
            find.setInt(4, BATCH);
            try (ResultSet rs = find.executeQuery()) {
                while (rs.next()) {
                    UUID id = rs.getObject(1, UUID.class);
                    String context = column.context(rs.getString(2));
                    String keyId = rs.getString(3);
                    String stored = rs.getString(4);
                    String plain = keyId == null ? stored : box.open(new SecretBox.Sealed(keyId, stored), context);
                    SecretBox.Sealed sealed = box.seal(plain, context);
                    write.setString(1, sealed.keyId());
                    write.setString(2, sealed.value());
                    write.setObject(3, id);
                    write.addBatch();
                    ids.add(id);
                }
            }
            write.executeBatch();
        }
        return ids;
    }

    private Set<String> unknownKeys(Connection c, SealedColumn column) throws SQLException {
        String sql = "SELECT DISTINCT " + column.keyIdColumn() + " FROM " + column.table() + " WHERE "
                + column.valueColumn() + " IS NOT NULL AND " + column.keyIdColumn() + " IS NOT NULL AND NOT ("
                + column.keyIdColumn() + " = ANY(?))";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", box.keyIds().toArray()));
            Set<String> unknown = new TreeSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    unknown.add(rs.getString(1));
                }
            }
            return unknown;
        }
    }

    private long leftToReseal(Connection c, SealedColumn column) throws SQLException {
        String sql = "SELECT count(*) FROM " + column.table() + " WHERE " + stale(column);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, box.currentKeyId());
            ps.setArray(2, c.createArrayOf("text", box.keyIds().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Values to re-seal: plain text, or sealed under a key of this box other than the first (a key unknown here, used
     * by a node that started meanwhile with a newer list, is left to that node). Parameters: first key id, key ids.
     */
    private static String stale(SealedColumn column) {
        return column.valueColumn() + " IS NOT NULL AND " + column.keyIdColumn() + " IS DISTINCT FROM ? AND ("
                + column.keyIdColumn() + " IS NULL OR " + column.keyIdColumn() + " = ANY(?))";
    }

    private static void sleep() {
        try {
            Thread.sleep(PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while re-sealing secrets", e);
        }
    }
}
