package io.baton.dispatch;

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
 * PostgreSQL {@code LISTEN/NOTIFY} on one channel, {@value #CHANNEL}: a node that makes work ready and cannot take it
 * itself notifies, every node listens on a connection of its own and wakes its dispatcher. A lost notification (the
 * listener reconnecting) only delays work until the next poll.
 */
final class ReadyNotifications implements AutoCloseable {
    static final String CHANNEL = "baton_ready";
    private static final Logger LOG = LoggerFactory.getLogger(ReadyNotifications.class);
    private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);
    private static final int RECEIVE_TIMEOUT_MILLIS = 1000;

    /** Opens the listener's own connection (outside the pool: it stays in LISTEN for the node's lifetime). */
    @FunctionalInterface
    interface ConnectionOpener {
        Connection open() throws SQLException;
    }

    private final ConnectionOpener opener;
    private final DataSource pool;
    private final Runnable onNotification;
    private final String node;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread listener;

    ReadyNotifications(ConnectionOpener opener, DataSource pool, Runnable onNotification, String node) {
        this.opener = opener;
        this.pool = pool;
        this.onNotification = onNotification;
        this.node = node;
        this.listener = new Thread(this::listen, "baton-listener-" + node);
        this.listener.setDaemon(true);
    }

    void start() {
        listener.start();
    }

    /** Tells every node (this one too) that work is ready. */
    void notifyAllNodes() {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("NOTIFY " + CHANNEL);
        } catch (SQLException e) {
            LOG.debug("Node {} could not notify the cluster ({}); other nodes find the work at their next poll", node,
                    e.getMessage());
        }
    }

    private void listen() {
        while (!closed.get()) {
            try (Connection c = opener.open(); Statement s = c.createStatement()) {
                s.execute("LISTEN " + CHANNEL);
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
