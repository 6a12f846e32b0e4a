package io.baton.event;

import io.baton.persistence.StoreException;
import io.baton.task.TaskCensus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges of the cluster's state, counted in the database when metrics are scraped (at most every
 * {@code REFRESH}, so frequent scrapes cost one count): {@code baton_tasks{agent, state}},
 * {@code baton_waits_open} and {@code baton_waits_expiring} (deadline within the next hour).
 */
public final class StateGauges {
    private static final Logger LOG = LoggerFactory.getLogger(StateGauges.class);
    static final Duration REFRESH = Duration.ofSeconds(10);
    static final Duration EXPIRING = Duration.ofHours(1);

    private final TaskCensus census;
    private final Clock clock;
    private final MultiGauge tasks;
    private final AtomicLong open = new AtomicLong();
    private final AtomicLong expiring = new AtomicLong();
    private Instant refreshedAt = Instant.MIN;

    public StateGauges(TaskCensus census, MeterRegistry registry, Clock clock) {
        this.census = census;
        this.clock = clock;
        this.tasks = MultiGauge.builder("baton.tasks").description("Tasks by agent and state").baseUnit("tasks")
                .register(registry);
        Gauge.builder("baton.waits.open", open, AtomicLong::get).description("Waits open now").register(registry);
        Gauge.builder("baton.waits.expiring", expiring, AtomicLong::get)
                .description("Open waits whose deadline comes within the hour").register(registry);
    }

    /** Counts again unless the last count is fresh; a failed count keeps the last values. */
    public synchronized void refresh() {
        Instant now = clock.instant();
        if (now.isBefore(refreshedAt.plus(REFRESH))) {
            return;
        }
        try {
            tasks.register(census.tasks().stream().map(c -> MultiGauge.Row.of(Tags.of("agent", c.agent(),
                    "state", c.state()), c.tasks())).toList(), true);
            TaskCensus.Waits waits = census.waits(now.plus(EXPIRING));
            open.set(waits.open());
            expiring.set(waits.expiring());
            refreshedAt = now;
        } catch (StoreException e) {
            refreshedAt = now; // no new attempt (and wait for the database) at every scrape while it is down
            LOG.warn("Could not count tasks for the metrics: {}", e.getMessage());
        }
    }
}
