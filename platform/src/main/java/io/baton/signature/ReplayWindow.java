package io.baton.signature;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The ±5 minutes around now within which a signed timestamp is accepted, so a captured request cannot be replayed
 * later (or, from a sender whose clock runs far ahead, early).
 */
final class ReplayWindow {
    static final Duration TOLERANCE = Duration.ofMinutes(5);
    static final String OUTSIDE = "timestamp outside the ±5 min tolerance";

    private final Clock clock;

    ReplayWindow(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Whether {@code epochSecond} is no more than {@link #TOLERANCE} before or after the clock's now. */
    boolean contains(long epochSecond) {
        long now = clock.instant().getEpochSecond();
        return Math.abs(now - epochSecond) <= TOLERANCE.toSeconds();
    }

    /**
     * Unix seconds written as 1 to 18 ASCII digits (no sign, no fraction, no exponent); anything else is empty.
     */
    static OptionalLong parseEpochSeconds(String text) {
        if (text.isEmpty() || text.length() > 18) {
            return OptionalLong.empty();
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(Long.parseLong(text));
    }
}
