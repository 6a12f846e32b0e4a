package io.baton.agent;

import java.time.Duration;

/**
 * A step built an outcome that cannot be carried out: a sleep or wait longer than {@link #MAX_DURATION}, a wait
 * without a deadline, an event wait without a correlation key. Retrying would build the same outcome again, so the
 * task fails at once with this message as its error.
 */
public final class InvalidOutcomeException extends NonRetryableException {
    /** The longest sleep, wait deadline, step timeout or retry backoff Baton accepts: 3,650 days (about 10 years). */
    public static final Duration MAX_DURATION = Duration.ofDays(3650);

    public InvalidOutcomeException(String message) {
        super(message);
    }

    /** {@code value} if it is between zero and {@link #MAX_DURATION}; else this exception naming {@code what}. */
    public static Duration requireInRange(String what, Duration value) {
        if (value == null) {
            throw new InvalidOutcomeException(what + " is required");
        }
        if (value.isNegative() || value.compareTo(MAX_DURATION) > 0) {
            throw new InvalidOutcomeException(what + " must be between 0 and " + MAX_DURATION.toDays()
                    + " days, was " + describe(value));
        }
        return value;
    }

    private static String describe(Duration value) {
        return value.isNegative() ? value.toString() : value.toDays() > 0 ? value.toDays() + " days" : value.toString();
    }
}
