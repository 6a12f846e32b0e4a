package io.baton.execution;

import io.baton.config.ExecutionConfig;
import io.baton.task.ReadySignal;
import io.baton.task.TaskRepository;
import io.baton.task.TaskRepository.Orphan;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backstop behind failure detection (which re-queues a dead node's tasks the moment it is declared dead):
 * periodically re-queues tasks left RUNNING by a node that is no longer a cluster member, or by this node when no
 * thread here runs them (a run that stopped half-way, say when the database went away). Every repair is a guarded
 * transition, so several nodes may reconcile at once; re-queued tasks are claimed before other work.
 */
public final class Reconciler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    private static final int BATCH = 500;

    private final TaskRepository tasks;
    private final ReadySignal ready;
    private final Predicate<UUID> runningHere;
    private final ExecutionConfig settings;
    private final Clock clock;
    private final String node;
    private final String cluster;
    private final ScheduledExecutorService timer;

    public Reconciler(TaskRepository tasks, ReadySignal ready, Predicate<UUID> runningHere, ExecutionConfig settings,
                      Clock clock, String node, String cluster) {
        this.tasks = tasks;
        this.ready = ready;
        this.runningHere = runningHere;
        this.settings = settings;
        this.clock = clock;
        this.node = node;
        this.cluster = cluster;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "baton-reconciler-" + node);
            thread.setDaemon(true);
            return thread;
        });
    }

    public void start() {
        long period = settings.reconcileInterval().toMillis();
        timer.scheduleWithFixedDelay(this::reconcileAndLogErrors, period, period, TimeUnit.MILLISECONDS);
    }

    private void reconcileAndLogErrors() {
        try {
            reconcileOnce();
        } catch (RuntimeException e) {
            LOG.warn("Reconciler on {} failed this round (will retry): {}", node, e.toString());
        }
    }

    /** One pass; returns how many tasks it re-queued. */
    public int reconcileOnce() {
        Instant now = clock.instant();
        int repaired = 0;
        for (Orphan orphan : tasks.orphaned(node, cluster, now.minus(settings.staleAfter()), BATCH)) {
            boolean mine = node.equals(orphan.owner());
            if (mine && runningHere.test(orphan.id())) {
                continue;
            }
            if (tasks.recover(orphan.id(), orphan.attempt(), mine, cluster, now)) {
                if (mine) {
                    LOG.info("Task {} was RUNNING on this node (attempt {}) but no thread here runs it; re-queued",
                            orphan.id(), orphan.attempt());
                } else {
                    LOG.info("Task {} was RUNNING under {} (attempt {}), which is no longer a cluster member; "
                            + "re-queued", orphan.id(), orphan.owner(), orphan.attempt());
                }
                repaired++;
            }
        }
        if (repaired > 0) {
            ready.readyNow();
        }
        return repaired;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
