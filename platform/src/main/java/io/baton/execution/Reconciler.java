package io.baton.execution;

import io.baton.config.ExecutionConfig;
import io.baton.event.EngineEvent.Type;
import io.baton.event.EngineEvents;
import io.baton.quartz.TaskTriggers;
import io.baton.task.TaskRepository;
import io.baton.task.TaskRepository.Orphan;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backstop behind Quartz: periodically re-queues tasks left RUNNING by a node that is gone (or by this node,
 * when it is not actually running them), and due RUNNABLE or SLEEPING tasks that have no trigger (a crash between a
 * commit and the scheduling that should follow it). Every repair is a guarded transition or a harmless extra firing,
 * so several nodes may reconcile at once.
 */
public final class Reconciler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    private static final int BATCH = 500;

    private final TaskRepository tasks;
    private final TaskTriggers triggers;
    private final TaskRunner runner;
    private final EngineEvents events;
    private final ExecutionConfig settings;
    private final Clock clock;
    private final String node;
    private final ScheduledExecutorService timer;

    public Reconciler(TaskRepository tasks, TaskTriggers triggers, TaskRunner runner, EngineEvents events,
                      ExecutionConfig settings, Clock clock, String node) {
        this.tasks = tasks;
        this.triggers = triggers;
        this.runner = runner;
        this.events = events;
        this.settings = settings;
        this.clock = clock;
        this.node = node;
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
        Instant staleBefore = now.minus(settings.staleAfter());
        String cluster = triggers.clusterName();
        int repaired = 0;
        for (Orphan orphan : tasks.orphaned(node, cluster, staleBefore, BATCH)) {
            boolean mine = node.equals(orphan.owner());
            if (mine && runner.isRunningHere(orphan.id())) {
                continue;
            }
            if (tasks.recover(orphan.id(), orphan.attempt(), mine, cluster, now)) {
                if (mine) {
                    LOG.info("Task {} was RUNNING on this node (attempt {}) but no firing here runs it; re-queued",
                            orphan.id(), orphan.attempt());
                } else {
                    LOG.info("Task {} was RUNNING under {} (attempt {}), which is no longer a cluster member; "
                            + "re-queued", orphan.id(), orphan.owner(), orphan.attempt());
                }
                events.publish(Type.TASK_RECOVERED, orphan.id(), null, null,
                        "attempt " + orphan.attempt() + " on " + orphan.owner());
                triggers.schedule(orphan.id(), now);
                repaired++;
            }
        }
        List<UUID> untriggered = tasks.untriggered(cluster, TaskTriggers.GROUP, staleBefore, BATCH);
        for (UUID id : untriggered) {
            LOG.info("Task {} was due without a trigger; scheduled", id);
            triggers.schedule(id, now);
            repaired++;
        }
        return repaired;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
