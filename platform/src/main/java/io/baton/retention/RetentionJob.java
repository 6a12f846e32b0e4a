package io.baton.retention;

import io.baton.persistence.StoreException;
import io.baton.persistence.Transactions;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what is older than {@code BATON_RETENTION}: outbox events whose every delivery is finished (delivered or
 * dead; their deliveries and attempts go with them), inbound delivery logs (so a receipt stays answerable for at least
 * the retention), consumed inbox rows and event buffers that expired. Each node runs it; one round runs at a time in
 * the cluster (a transaction-scoped advisory lock per batch, skipped when another node holds it). Batches of
 * {@value #BATCH} rows, each its own short transaction, so no hot table is locked for long.
 */
public final class RetentionJob implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);
    static final int BATCH = 1000;
    /** The advisory lock key of the job: any number no other lock in Baton uses. */
    private static final long LOCK = 0x62617430726574L;

    /** What is pruned, each a DELETE of at most one batch of rows older than the cutoff ({@code ?}). */
    private static final Map<String, String> PRUNES = new LinkedHashMap<>();

    static {
        PRUNES.put("outbox events", """
                DELETE FROM baton_event WHERE id IN (
                    SELECT e.id FROM baton_event e
                     WHERE e.created_at < ? AND NOT EXISTS (SELECT 1 FROM baton_callback_delivery d
                                                              WHERE d.event_id = e.id AND d.state = 'PENDING')
                     ORDER BY e.created_at LIMIT %d)""".formatted(BATCH));
        PRUNES.put("delivery logs", """
                DELETE FROM baton_delivery WHERE ctid IN (
                    SELECT ctid FROM baton_delivery WHERE created_at < ? ORDER BY created_at LIMIT %d)"""
                .formatted(BATCH));
        PRUNES.put("consumed inbox rows", """
                DELETE FROM baton_inbox WHERE id IN (
                    SELECT id FROM baton_inbox WHERE consumed_at IS NOT NULL AND consumed_at < ?
                     ORDER BY consumed_at LIMIT %d)""".formatted(BATCH));
        PRUNES.put("expired event buffers", """
                DELETE FROM baton_inbox WHERE id IN (
                    SELECT id FROM baton_inbox WHERE consumed_at IS NULL AND expires_at IS NOT NULL AND expires_at < ?
                     ORDER BY expires_at LIMIT %d)""".formatted(BATCH));
    }

    private final Transactions transactions;
    private final Duration retention;
    private final Clock clock;
    private final String node;
    private final ScheduledExecutorService timer;

    public RetentionJob(Transactions transactions, Duration retention, Clock clock, String node) {
        this.transactions = transactions;
        this.retention = retention;
        this.clock = clock;
        this.node = node;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "baton-retention-" + node);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Runs a round every tenth of the retention (at least every second, at most every hour). */
    public void start() {
        long every = Math.max(1000, Math.min(Duration.ofHours(1).toMillis(), retention.toMillis() / 10));
        timer.scheduleWithFixedDelay(this::runQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    private void runQuietly() {
        try {
            Map<String, Integer> pruned = runOnce();
            if (pruned.values().stream().anyMatch(n -> n > 0)) {
                LOG.info("Node {} pruned what is older than {}: {}", node, retention, pruned);
            }
        } catch (StoreException e) {
            LOG.warn("Node {} retention round failed ({}); the next round retries", node, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Node {} retention round failed; the next round retries", node, e);
        }
    }

    /** One round: every kind, batch after batch, until nothing older than the cutoff is left; how many rows. */
    public Map<String, Integer> runOnce() {
        Instant cutoff = clock.instant().minus(retention);
        Map<String, Integer> pruned = new LinkedHashMap<>();
        for (Map.Entry<String, String> prune : PRUNES.entrySet()) {
            int total = 0;
            while (true) {
                Integer deleted = transactions.inTransaction(c -> {
                    try (PreparedStatement lock = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
                        lock.setLong(1, LOCK);
                        try (var rs = lock.executeQuery()) {
                            if (!rs.next() || !rs.getBoolean(1)) {
                                return null; // another node is pruning right now
                            }
                        }
                    }
                    try (PreparedStatement ps = c.prepareStatement(prune.getValue())) {
                        ps.setTimestamp(1, Timestamp.from(cutoff));
                        return ps.executeUpdate();
                    }
                });
                if (deleted == null) {
                    return pruned;
                }
                total += deleted;
                if (deleted < BATCH) {
                    break;
                }
            }
            pruned.put(prune.getKey(), total);
        }
        return pruned;
    }

    /** The kinds of rows pruned, in order. */
    public static List<String> kinds() {
        return List.copyOf(PRUNES.keySet());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
