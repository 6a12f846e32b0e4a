package io.baton.dispatch;

import io.baton.event.EngineEvent.Type;
import io.baton.event.EngineEvents;
import io.baton.execution.BacklogLimit;
import io.baton.execution.TaskRunner;
import io.baton.persistence.Database;
import io.baton.persistence.Notifications;
import io.baton.persistence.StoreUnavailableException;
import io.baton.task.ReadyQueue;
import io.baton.task.ReadyQueue.Claimed;
import io.baton.task.ReadySignal;
import io.baton.wait.WaitService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Moves this node's share of the work: one loop that times out waits whose deadline passed and claims as many ready
 * tasks as the node has free workers (recovered work first), then hands each to a worker thread. It sleeps until
 * something wakes it: work made ready on this node ({@link #readyNow()}), a notification from another node, a local
 * timer ({@link #readyAt(Instant)}), a worker coming free, or the poll interval. No Quartz trigger is involved, and a
 * duplicate wake-up costs one empty claim: the claim is the guarded transition.
 */
public final class Dispatcher implements ReadySignal, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** Local timers further out than this are left to polling, so waiting tasks cost no memory here. */
    private static final Duration TIMER_HORIZON = Duration.ofMinutes(1);
    private static final int MAX_TIMERS = 100_000;
    private static final int DEADLINE_BATCH = 500;
    private static final Duration BACKLOG_REFRESH = Duration.ofMillis(250);
    /** Deadlines are swept at most this often (not on every claim round of a busy node), unless a sweep was full. */
    private static final Duration DEADLINE_SWEEP = Duration.ofMillis(50);

    private final ReadyQueue queue;
    private final PickupTimer pickup;
    private final BacklogLimit backlog;
    private Instant backlogMeasuredAt = Instant.MIN;
    private Instant deadlinesSweptAt = Instant.MIN;
    private final EngineEvents events;
    private final Clock clock;
    private final String node;
    private final Duration pollInterval;
    private final ExecutorService threads;
    private final Semaphore free;
    /** Task id to the attempt a worker here runs: a fenced older attempt ending must not unlist a newer one. */
    private final Map<UUID, Long> runningHere = new ConcurrentHashMap<>();
    private final ConcurrentSkipListSet<Instant> timers = new ConcurrentSkipListSet<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition woken = lock.newCondition();
    private boolean signalled;
    private volatile boolean claiming = true;
    private volatile boolean standby;
    private volatile boolean stopped;
    private TaskRunner runner;
    private WaitService waits;
    private Notifications notifications;
    private Thread loop;

    public Dispatcher(ReadyQueue queue, BacklogLimit backlog, EngineEvents events, Clock clock, String node,
                      int workers, Duration pollInterval, PickupTimer pickup) {
        this.pickup = pickup;
        this.queue = queue;
        this.backlog = backlog;
        this.events = events;
        this.clock = clock;
        this.node = node;
        this.pollInterval = pollInterval;
        this.free = new Semaphore(workers);
        AtomicInteger count = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(workers, r -> {
            Thread thread = new Thread(r, "baton-worker-" + node + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts the loop and the listener. The runner and the wait service are given here, not at construction, because
     * both are told about ready work through this dispatcher.
     */
    public void start(TaskRunner taskRunner, WaitService waitService, Database database) {
        this.runner = taskRunner;
        this.waits = waitService;
        this.notifications = new Notifications(Notifications.READY, database::openDedicated, database.dataSource(),
                this::wake, node);
        notifications.start();
        loop = new Thread(this::run, "baton-dispatcher-" + node);
        loop.setDaemon(true);
        loop.start();
    }

    @Override
    public void readyNow() {
        wake();
        if ((free.availablePermits() == 0 || standby) && notifications != null) {
            notifications.notifyAllNodes(); // this node is busy or in standby: let another one take it
        }
    }

    @Override
    public void readyAt(Instant at) {
        Instant now = clock.instant();
        if (!at.isAfter(now)) {
            readyNow();
        } else if (at.isBefore(now.plus(TIMER_HORIZON)) && timers.size() < MAX_TIMERS) {
            timers.add(at);
            wake();
        }
    }

    /**
     * In standby ({@code true}) the node claims no work and sweeps no deadlines; what it runs finishes. Set by an
     * operator's drain through {@link io.baton.cluster.StandbyWatch}.
     */
    public void standby(boolean on) {
        standby = on;
        if (!on) {
            wake();
        }
    }

    /** Whether the node is in standby (see {@link #standby(boolean)}). */
    public boolean inStandby() {
        return standby;
    }

    /** Whether a worker here runs the task right now. */
    public boolean isRunningHere(UUID taskId) {
        return runningHere.containsKey(taskId);
    }

    /** Tasks running on this node right now. */
    public int running() {
        return runningHere.size();
    }

    private void wake() {
        lock.lock();
        try {
            signalled = true;
            woken.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (!stopped) {
            boolean more = false;
            try {
                if (claiming && !standby) {
                    more = dispatchOnce();
                } else if (claiming) {
                    idleInStandby();
                }
            } catch (StoreUnavailableException e) {
                LOG.warn("Node {} cannot reach the database to dispatch ({}); retrying", node, e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("Node {} dispatch round failed; retrying", node, e);
            }
            if (!more) {
                awaitWakeUp();
            }
        }
    }

    /**
     * In standby: no claims and no deadlines, but the backlog is still measured (starts this node accepts are held
     * against it) and fired timers are dropped (they are for the nodes that claim).
     */
    private void idleInStandby() {
        Instant now = clock.instant();
        timers.headSet(now, true).clear();
        if (!now.isBefore(backlogMeasuredAt.plus(BACKLOG_REFRESH))) {
            backlog.measured(queue.backlog(now));
            backlogMeasuredAt = now;
        }
    }

    /**
     * One round: the backlog measurement (at most every {@code BACKLOG_REFRESH}), deadlines (at most every
     * {@code DEADLINE_SWEEP}), then a claim for every
     * free worker. Whether a full batch suggests more is ready.
     */
    private boolean dispatchOnce() {
        Instant now = clock.instant();
        NavigableSet<Instant> fired = timers.headSet(now, true);
        boolean timerFired = !fired.isEmpty();
        fired.clear();
        if (!now.isBefore(backlogMeasuredAt.plus(BACKLOG_REFRESH))) {
            backlog.measured(queue.backlog(now));
            backlogMeasuredAt = now;
        }
        if (!now.isBefore(deadlinesSweptAt.plus(DEADLINE_SWEEP))) {
            boolean full = waits.timeOutDue(now, DEADLINE_BATCH) == DEADLINE_BATCH;
            deadlinesSweptAt = full ? Instant.MIN : now;
        } else if (timerFired) {
            timers.add(deadlinesSweptAt.plus(DEADLINE_SWEEP)); // a deadline may be what the timer was for
        }
        int available = free.availablePermits();
        if (available == 0) {
            return false;
        }
        List<Claimed> claimed = queue.claim(node, available, now);
        for (Claimed task : claimed) {
            free.acquireUninterruptibly();
            runningHere.put(task.task().id(), task.task().attempt());
            threads.execute(() -> work(task));
        }
        return claimed.size() == available;
    }

    private void work(Claimed claimed) {
        UUID id = claimed.task().id();
        MDC.put("taskId", id.toString());
        try {
            if (claimed.recovered()) {
                LOG.info("Task {} taken over from attempt {} on {}", id, claimed.previousAttempt(),
                        claimed.previousOwner());
                events.publish(Type.TASK_RECOVERED, id, claimed.task().agent(), claimed.task().nextStep(),
                        "attempt " + claimed.previousAttempt() + " on " + claimed.previousOwner());
            }
            pickup.record(claimed, clock.instant());
            runner.run(claimed.task());
        } catch (StoreUnavailableException e) {
            LOG.warn("Task {} stopped, the database is unavailable; the reconciler will re-queue it: {}", id,
                    e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Task {} run failed unexpectedly; the reconciler will re-queue it", id, e);
        } finally {
            runningHere.remove(id, claimed.task().attempt());
            MDC.remove("taskId");
            free.release();
            wake();
        }
    }

    private void awaitWakeUp() {
        lock.lock();
        try {
            if (signalled || stopped) {
                signalled = false;
                return;
            }
            long waitMillis = pollInterval.toMillis();
            Instant next = timers.isEmpty() ? null : timers.first();
            if (next != null) {
                waitMillis = Math.max(1, Math.min(waitMillis, Duration.between(clock.instant(), next).toMillis()));
            }
            woken.await(waitMillis, TimeUnit.MILLISECONDS);
            signalled = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops claiming and waits up to {@code grace} for running tasks to finish. Returns how many were still running
     * (another node recovers them once this one is gone).
     */
    public int drain(Duration grace) {
        claiming = false;
        Instant deadline = Instant.now().plus(grace);
        while (!runningHere.isEmpty() && Instant.now().isBefore(deadline)) {
            lock.lock();
            try {
                woken.await(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                lock.unlock();
            }
        }
        return runningHere.size();
    }

    /** Stops the loop, the listener and the workers (a step still running is interrupted). */
    @Override
    public void close() {
        claiming = false;
        stopped = true;
        wake();
        if (notifications != null) {
            notifications.close();
        }
        threads.shutdownNow();
        if (loop != null) {
            try {
                loop.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
