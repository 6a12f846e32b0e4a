package io.baton.execution;

import io.baton.task.ReadyQueue.Backlog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Backpressure on starts: the ready backlog (tasks due but not yet claimed) as last measured by the dispatcher, plus
 * the starts this node accepted since, held against a bound in all ({@code BATON_MAX_BACKLOG}) and per agent
 * ({@code BATON_MAX_BACKLOG_PER_AGENT}); 0 means no bound. The measurement is a few hundred milliseconds old at most,
 * so the bound is approximate by the starts other nodes accept in that time. Also the source of the queue-lag and
 * backlog metrics.
 */
public final class BacklogLimit {
    private static final Duration MIN_RETRY_AFTER = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

    private final long maxTotal;
    private final long maxPerAgent;
    private final Clock clock;
    private volatile Map<String, Backlog> measured = Map.of();
    private final AtomicLong startedSince = new AtomicLong();
    private final AtomicLong measurements = new AtomicLong();
    private final Map<String, AtomicLong> startedSinceByAgent = new ConcurrentHashMap<>();

    public BacklogLimit(long maxTotal, long maxPerAgent, Clock clock) {
        this.maxTotal = maxTotal;
        this.maxPerAgent = maxPerAgent;
        this.clock = clock;
    }

    /** A fresh measurement from the ready queue. */
    public void measured(Map<String, Backlog> byAgent) {
        measured = Map.copyOf(byAgent);
        startedSince.set(0);
        startedSinceByAgent.clear();
        measurements.incrementAndGet();
    }

    /** How many measurements arrived so far. */
    public long measurements() {
        return measurements.get();
    }

    /** Admits a start of {@code agent}, or throws {@link BacklogFullException}. */
    void admit(String agent) {
        if (maxTotal > 0) {
            long total = total() + startedSince.get();
            if (total >= maxTotal) {
                throw new BacklogFullException("the ready backlog holds " + total + " tasks, at its bound of " + maxTotal
                        + " (BATON_MAX_BACKLOG)", retryAfter());
            }
        }
        if (maxPerAgent > 0) {
            Backlog own = measured.get(agent);
            long count = (own == null ? 0 : own.tasks())
                    + startedSinceByAgent.computeIfAbsent(agent, a -> new AtomicLong()).get();
            if (count >= maxPerAgent) {
                throw new BacklogFullException("the ready backlog of agent '" + agent + "' holds " + count
                        + " tasks, at its bound of " + maxPerAgent + " (BATON_MAX_BACKLOG_PER_AGENT)", retryAfter());
            }
        }
        startedSince.incrementAndGet();
        startedSinceByAgent.computeIfAbsent(agent, a -> new AtomicLong()).incrementAndGet();
    }

    /** Tasks due and not yet claimed, as last measured. */
    public long total() {
        return measured.values().stream().mapToLong(Backlog::tasks).sum();
    }

    /** How long the oldest due task has waited for a worker, as last measured (zero when none waits). */
    public Duration queueLag() {
        Instant now = clock.instant();
        return measured.values().stream().map(Backlog::oldestDue)
                .filter(due -> due != null && due.isBefore(now))
                .map(due -> Duration.between(due, now))
                .max(Duration::compareTo).orElse(Duration.ZERO);
    }

    /** The backlog by agent, as last measured. */
    public Map<String, Backlog> byAgent() {
        return measured;
    }

    private Duration retryAfter() {
        Duration lag = queueLag();
        return lag.compareTo(MIN_RETRY_AFTER) < 0 ? MIN_RETRY_AFTER
                : lag.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : lag;
    }
}
