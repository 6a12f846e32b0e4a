package io.baton.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** The system clock plus an offset a test moves forward: days pass at once, while real time still runs. */
public final class AdvancingClock extends Clock {
    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    /** Moves this clock forward by {@code by}. */
    public void advance(Duration by) {
        offset.updateAndGet(o -> o.plus(by));
    }

    /** Moves this clock forward to {@code at}, if it is not there yet. */
    public void advanceTo(Instant at) {
        Duration by = Duration.between(instant(), at);
        if (!by.isNegative()) {
            advance(by);
        }
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("an advancing clock is UTC");
    }
}
