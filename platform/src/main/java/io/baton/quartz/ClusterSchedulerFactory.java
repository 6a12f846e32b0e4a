package io.baton.quartz;

import io.baton.config.ClusterConfig;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.jdbcjobstore.PostgreSQLDelegate;
import org.quartz.simpl.SimpleThreadPool;
import org.quartz.utils.DBConnectionManager;

/**
 * Builds this node's Quartz scheduler: the cluster's membership and failure detection (clustered JDBC job store on
 * the node's pool, tuned for fast failover; see {@link BatonJobStore}), with {@code org.quartz.*} overrides from the
 * configuration file applied last. Tasks are not Quartz jobs: the dispatcher claims them from the task table.
 */
public final class ClusterSchedulerFactory {
    private ClusterSchedulerFactory() {
    }

    /** The Quartz properties Baton uses for a node; exposed so the README and tests can show them. */
    public static Properties properties(ClusterConfig cluster, String dataSourceName, Map<String, String> overrides) {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", cluster.name());
        p.setProperty("org.quartz.scheduler.instanceId", cluster.nodeId());
        p.setProperty("org.quartz.scheduler.threadName", "baton-scheduler-" + cluster.nodeId());
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.scheduler.idleWaitTime", Long.toString(cluster.idleWait().toMillis()));
        p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount", "1");
        p.setProperty("org.quartz.scheduler.dbFailureRetryInterval",
                Long.toString(cluster.dbRetryInterval().toMillis()));
        p.setProperty("org.quartz.threadPool.class", SimpleThreadPool.class.getName());
        // Tasks do not run on Quartz threads (see the dispatcher); one thread serves housekeeping jobs.
        p.setProperty("org.quartz.threadPool.threadCount", "1");
        p.setProperty("org.quartz.threadPool.threadNamePrefix", "baton-quartz-" + cluster.nodeId());
        p.setProperty("org.quartz.jobStore.class", BatonJobStore.class.getName());
        p.setProperty("org.quartz.jobStore.driverDelegateClass", PostgreSQLDelegate.class.getName());
        p.setProperty("org.quartz.jobStore.dataSource", dataSourceName);
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval",
                Long.toString(cluster.checkinInterval().toMillis()));
        p.setProperty("org.quartz.jobStore.failureGraceMillis", Long.toString(cluster.failureGrace().toMillis()));
        p.setProperty("org.quartz.jobStore.dbRetryInterval", Long.toString(cluster.dbRetryInterval().toMillis()));
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        p.setProperty("org.quartz.jobStore.lockOnInsert", "false");
        p.setProperty("org.quartz.jobStore.useProperties", "true");
        p.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
        overrides.forEach(p::setProperty);
        return p;
    }

    /**
     * Creates (but does not start) the scheduler. Quartz keeps schedulers and data sources in JVM-wide registries
     * keyed by name; Baton registers the pool under a per-node name and takes the scheduler back out of Quartz's
     * repository, so several nodes can share one JVM (as embedding applications and tests do).
     */
    public static Scheduler create(ClusterConfig cluster, DataSource dataSource, Map<String, String> overrides)
            throws SchedulerException {
        String dataSourceName = "baton-" + cluster.nodeId();
        DBConnectionManager.getInstance()
                .addConnectionProvider(dataSourceName, new PooledConnectionProvider(dataSource));
        Properties properties = properties(cluster, dataSourceName, overrides);
        Scheduler scheduler;
        synchronized (ClusterSchedulerFactory.class) {
            scheduler = new StdSchedulerFactory(properties).getScheduler();
            SchedulerRepository.getInstance().remove(scheduler.getSchedulerName());
        }
        return scheduler;
    }
}
