package io.baton.node;

import io.baton.config.BatonConfig;
import io.baton.persistence.Database;
import io.baton.persistence.EmbeddedDatabase;
import io.baton.quartz.ClusterSchedulerFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.simpl.PropertySettingJobFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Baton node: its database (external, or the embedded one), the schema, and its member of the Quartz cluster.
 * {@link #start(BatonConfig)} returns a running node; {@link #close()} drains it.
 */
public final class BatonNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatonNode.class);
    private static final Duration HEALTH_QUERY_TIMEOUT = Duration.ofSeconds(2);

    private final BatonConfig config;
    private final EmbeddedDatabase embedded;
    private final Database database;
    private final Scheduler scheduler;
    private final AtomicBoolean closed = new AtomicBoolean();

    private BatonNode(BatonConfig config, EmbeddedDatabase embedded, Database database, Scheduler scheduler) {
        this.config = config;
        this.embedded = embedded;
        this.database = database;
        this.scheduler = scheduler;
    }

    /**
     * Connects to (or starts) the database, migrates the schema and starts the scheduler.
     *
     * @throws io.baton.persistence.DatabaseUnavailableException when the database cannot be reached
     * @throws NodeStartException when anything else prevents the node from starting
     */
    public static BatonNode start(BatonConfig config) {
        String nodeId = config.cluster().nodeId();
        EmbeddedDatabase embedded = null;
        Database database = null;
        try {
            String url;
            String user;
            String password;
            if (config.database().externalUrl().isPresent()) {
                url = config.database().url();
                user = config.database().user();
                password = config.database().password();
            } else {
                embedded = EmbeddedDatabase.start(config.embeddedDataDir(), config.database().embeddedPort());
                url = embedded.jdbcUrl();
                user = EmbeddedDatabase.USER;
                password = "";
            }
            database = Database.connect(url, user, password, config.database().poolSize(), "baton-" + nodeId);
            database.migrate();
            Scheduler scheduler = ClusterSchedulerFactory.create(config.cluster(), database.dataSource(),
                    config.quartzOverrides(), new PropertySettingJobFactory());
            scheduler.start();
            LOG.info("Node {} started in cluster '{}' on {}", nodeId, config.cluster().name(),
                    Database.withoutQuery(url));
            return new BatonNode(config, embedded, database, scheduler);
        } catch (SchedulerException e) {
            closeQuietly(database, embedded);
            throw new NodeStartException("the scheduler did not start: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(database, embedded);
            throw e;
        }
    }

    private static void closeQuietly(Database database, EmbeddedDatabase embedded) {
        if (database != null) {
            database.close();
        }
        if (embedded != null) {
            embedded.close();
        }
    }

    public String nodeId() {
        return config.cluster().nodeId();
    }

    public BatonConfig config() {
        return config;
    }

    public Database database() {
        return database;
    }

    /** The embedded database, when this node started one. */
    public java.util.Optional<EmbeddedDatabase> embeddedDatabase() {
        return java.util.Optional.ofNullable(embedded);
    }

    public NodeHealth health() {
        boolean schedulerRunning;
        try {
            schedulerRunning = !closed.get() && scheduler.isStarted() && !scheduler.isInStandbyMode()
                    && !scheduler.isShutdown();
        } catch (SchedulerException e) {
            schedulerRunning = false;
        }
        boolean reachable = !closed.get() && database.isReachable(HEALTH_QUERY_TIMEOUT);
        return new NodeHealth(nodeId(), reachable, true, schedulerRunning);
    }

    /**
     * Drains the node: the scheduler stops taking work, running jobs get up to the configured shutdown grace, then
     * the scheduler, the pool and (if any) the embedded database stop. Work still running after the grace is
     * recovered by another node. Safe to call more than once.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("Node {} draining (grace {}s)", nodeId(), config.shutdownGrace().toSeconds());
        try {
            scheduler.standby();
            Instant deadline = Instant.now().plus(config.shutdownGrace());
            while (!scheduler.getCurrentlyExecutingJobs().isEmpty() && Instant.now().isBefore(deadline)) {
                Thread.sleep(50);
            }
            int abandoned = scheduler.getCurrentlyExecutingJobs().size();
            if (abandoned > 0) {
                LOG.warn("Node {} stopping with {} job(s) still running; another node will recover them",
                        nodeId(), abandoned);
            }
            scheduler.shutdown(false);
        } catch (SchedulerException e) {
            LOG.warn("Node {} scheduler did not stop cleanly: {}", nodeId(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(database, embedded);
            LOG.info("Node {} stopped", nodeId());
        }
    }
}
