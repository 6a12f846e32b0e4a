package io.baton.callback;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/** When the next attempt of a delivery is due: the configured delay for that retry, with ±20 % jitter. */
public final class RetrySchedule {
    private final List<Duration> delays;

    public RetrySchedule(List<Duration> delays) {
        this.delays = List.copyOf(delays);
    }

    /** The delay before attempt {@code attempt + 1} after attempt {@code attempt} failed; empty when none is left. */
    public Optional<Duration> after(int attempt, RandomGenerator random) {
        if (attempt < 1 || attempt > delays.size()) {
            return Optional.empty();
        }
        Duration base = delays.get(attempt - 1);
        long millis = base.toMillis();
        long jitter = millis / 5;
        return Optional.of(Duration.ofMillis(jitter == 0 ? millis : millis - jitter + random.nextLong(2 * jitter + 1)));
    }

    /** How many attempts a delivery gets in all. */
    public int attempts() {
        return delays.size() + 1;
    }
}
