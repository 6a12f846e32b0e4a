package io.baton.dispatch;

import io.baton.task.ReadyQueue.Claimed;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code baton_task_pickup_seconds{after=...}}: how long a due task waited until a node claimed it, by what made it due:
 * {@code resume} (a delivery, or an operator, resumed or failed its wait: from that commit to its next step starting),
 * {@code start}, {@code recovery} (taken over from a dead node) or {@code continue} (a sleep or a wait's deadline ended, a
 * retry's backoff passed, a slice yielded).
 */
public final class PickupTimer {
    private final Timer resume;
    private final Timer start;
    private final Timer recovery;
    private final Timer next;

    public PickupTimer(MeterRegistry registry) {
        this.resume = timer(registry, "resume");
        this.start = timer(registry, "start");
        this.recovery = timer(registry, "recovery");
        this.next = timer(registry, "continue");
    }

    private static Timer timer(MeterRegistry registry, String after) {
        return Timer.builder("baton.task.pickup").tag("after", after).publishPercentileHistogram()
                .description("From a task becoming due to a node claiming it (resume latency for after=resume)")
                .register(registry);
    }

    void record(Claimed claimed, Instant now) {
        if (claimed.readySince() == null) {
            return;
        }
        Duration waited = Duration.between(claimed.readySince(), now);
        if (waited.isNegative()) {
            waited = Duration.ZERO;
        }
        Timer timer = claimed.recovered() ? recovery : claimed.task().resumedWith() != null ? resume
                : claimed.task().stepSeq() == 0 ? start : next;
        timer.record(waited);
    }
}
