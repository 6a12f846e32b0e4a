package io.baton.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL {@code LISTEN/NOTIFY} on one channel: whoever has news notifies (after its commit, or inside its
 * transaction: PostgreSQL delivers on commit), every node listens on a connection of its own and runs the callback.
 * Used for {@value #READY} (work ready for a dispatcher) and {@value #OUTBOX} (callbacks due for a sender). A lost
 * notification (the listener reconnecting) only delays work until the next poll.
 */
public final class Notifications implements AutoCloseable {
    /** Tasks became ready and the node that made them so has no free worker. */
    public static final String READY = "baton_ready";
    /** Callback deliveries were queued. */
    public static final String OUTBOX = "baton_outbox";
    private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);
    private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);
    private static final int RECEIVE_TIMEOUT_MILLIS = 1000;

    /** Opens the listener's own connection (outside the pool: it stays in LISTEN for the node's lifetime). */
    @FunctionalInterface
    public interface ConnectionOpener {
        Connection open() throws SQLException;
    }

    private final String channel;
    private final ConnectionOpener opener;
    private final DataSource pool;
    private final Runnable onNotification;
    private final String node;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread listener;

    public Notifications(String channel, ConnectionOpener opener, DataSource pool, Runnable onNotification,
                         String node) {
        this.channel = channel;
        this.opener = opener;
        this.pool = pool;
        this.onNotification = onNotification;
        this.node = node;
        this.listener = new Thread(this::listen, "baton-listener-" + channel + "-" + node);
        this.listener.setDaemon(true);
    }

    public void start() {
        listener.start();
    }

    /** Tells every node (this one too). */
    public void notifyAllNodes() {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("NOTIFY " + channel);
        } catch (SQLException e) {
            LOG.debug("Node {} could not notify the cluster ({}); other nodes find the work at their next poll", node,
                    e.getMessage());
        }
    }

    private void listen() {
        while (!closed.get()) {
            try (Connection c = opener.open(); Statement s = c.createStatement()) {
                s.execute("LISTEN " + channel);
                PGConnection pg = c.unwrap(PGConnection.class);
                onNotification.run(); // whatever was announced while not listening
                while (!closed.get()) {
                    PGNotification[] received = pg.getNotifications(RECEIVE_TIMEOUT_MILLIS);
                    if (received != null && received.length > 0) {
                        onNotification.run();
                    }
                }
            } catch (SQLException e) {
                if (!closed.get()) {
                    LOG.debug("Node {} lost its LISTEN connection ({}); reconnecting", node, e.getMessage());
                    pause();
                }
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(RECONNECT_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed.set(true);
        }
    }

    @Override
    public void close() {
        closed.set(true);
        listener.interrupt();
    }
}
