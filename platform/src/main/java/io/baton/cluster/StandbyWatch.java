package io.baton.cluster;

import io.baton.persistence.StoreException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows this node's standby flag ({@link NodeDirectory}): every {@code interval} it reads the flag and tells the
 * dispatcher when it changed, so an operator's drain takes effect on the node within about a second whichever node
 * took the request. A failed read changes nothing (the node keeps its last state) and is tried again.
 */
public final class StandbyWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StandbyWatch.class);

    private final NodeDirectory directory;
    private final String node;
    private final Consumer<Boolean> apply;
    private final ScheduledExecutorService timer;
    private Boolean last;

    public StandbyWatch(NodeDirectory directory, String node, Consumer<Boolean> apply) {
        this.directory = directory;
        this.node = node;
        this.apply = apply;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "baton-standby-" + node);
            thread.setDaemon(true);
            return thread;
        });
    }

    public void start(Duration interval) {
        check();
        timer.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads the flag once and applies a change. */
    synchronized void check() {
        try {
            boolean standby = directory.standbyOf(node).orElse(false);
            if (last == null || last != standby) {
                if (last != null || standby) {
                    LOG.info("Node {} {}", node, standby ? "is in standby: it claims no work until activated"
                            : "is active again: it claims work");
                }
                apply.accept(standby);
                last = standby;
            }
        } catch (StoreException e) {
            LOG.warn("Node {} could not read its standby flag ({}); keeping its state", node, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Node {} standby check failed", node, e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
