package io.baton.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.baton.testing.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.TriggerBuilder;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/**
 * The reference for "tasks started and finished": raw clustered Quartz on the same database, two schedulers with the
 * nodes' thread count, tuned as Baton tuned it when every task was a Quartz trigger (batch acquisition within the
 * lock, no lock on insert), firing no-op one-shot jobs that {@code clients} threads schedule as fast as they can.
 */
final class RawQuartz {
    private RawQuartz() {
    }

    /** No-op jobs scheduled and fired per second. */
    static double jobsPerSecond(TestDatabase db, int threads, int clients, int jobs) throws Exception {
        AtomicInteger fired = new AtomicInteger();
        List<Scheduler> schedulers = new ArrayList<>();
        List<HikariDataSource> pools = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                HikariConfig config = new HikariConfig();
                config.setJdbcUrl(db.url());
                config.setUsername(db.user());
                config.setPassword(db.password());
                config.setMaximumPoolSize(threads + 4);
                HikariDataSource pool = new HikariDataSource(config);
                pools.add(pool);
                String source = "raw-quartz-" + i;
                DBConnectionManager.getInstance().addConnectionProvider(source, new ConnectionProvider() {
                    @Override
                    public Connection getConnection() throws java.sql.SQLException {
                        return pool.getConnection();
                    }

                    @Override
                    public void shutdown() {
                    }

                    @Override
                    public void initialize() {
                    }
                });
                Scheduler scheduler;
                synchronized (RawQuartz.class) {
                    scheduler = new StdSchedulerFactory(properties("raw-quartz-node-" + i, source, threads))
                            .getScheduler();
                    SchedulerRepository.getInstance().remove(scheduler.getSchedulerName());
                }
                scheduler.setJobFactory((bundle, s) -> (Job) context -> fired.incrementAndGet());
                schedulers.add(scheduler);
            }
            JobKey job = JobKey.jobKey("no-op", "bench");
            schedulers.get(0).addJob(JobBuilder.newJob(NoOp.class).withIdentity(job).storeDurably().requestRecovery()
                    .build(), true);
            for (Scheduler scheduler : schedulers) {
                scheduler.start();
            }
            ExecutorService producers = Executors.newFixedThreadPool(clients);
            long started = System.nanoTime();
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    int client = c;
                    done.add(producers.submit(() -> {
                        for (int i = client; i < jobs; i += clients) {
                            schedulers.get(i % 2).scheduleJob(TriggerBuilder.newTrigger()
                                    .withIdentity("t" + i, "bench").forJob(job)
                                    .withSchedule(SimpleScheduleBuilder.simpleSchedule()
                                            .withMisfireHandlingInstructionFireNow())
                                    .startNow().build());
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(30, TimeUnit.MINUTES);
                }
                long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
                while (fired.get() < jobs && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(20);
                }
            } finally {
                producers.shutdownNow();
            }
            return fired.get() / ((System.nanoTime() - started) / 1e9);
        } finally {
            for (Scheduler scheduler : schedulers) {
                scheduler.shutdown(true);
            }
            pools.forEach(HikariDataSource::close);
        }
    }

    /** Never run: the job factory above answers every firing; Quartz needs a class to store the job. */
    public static final class NoOp implements Job {
        @Override
        public void execute(org.quartz.JobExecutionContext context) {
        }
    }

    private static Properties properties(String instance, String dataSource, int threads) {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "raw-quartz");
        p.setProperty("org.quartz.scheduler.instanceId", instance);
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.scheduler.idleWaitTime", "1000");
        p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount", Integer.toString(threads));
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(threads));
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", dataSource);
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", "1000");
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        p.setProperty("org.quartz.jobStore.lockOnInsert", "false");
        p.setProperty("org.quartz.jobStore.useProperties", "true");
        return p;
    }
}
