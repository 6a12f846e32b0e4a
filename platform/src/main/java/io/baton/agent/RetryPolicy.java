package io.baton.agent;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * How a failing step is retried: up to {@code maxAttempts} tries in all, waiting an exponentially growing, jittered
 * backoff between them; a try running longer than {@code timeout} counts as failed. Exceptions of a
 * {@code nonRetryable} type (and {@link NonRetryableException}) fail the task at once.
 *
 * @param maxAttempts    tries in all, at least 1
 * @param initialBackoff wait before the first retry
 * @param maxBackoff     cap on the wait
 * @param multiplier     growth of the wait per retry, at least 1
 * @param jitter         fraction (0..1) of the wait that is randomised, to spread retries out
 * @param timeout        longest a single try may run
 * @param nonRetryable   exception types that are never retried
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier,
                          double jitter, Duration timeout, Set<Class<? extends Throwable>> nonRetryable) {

    /** 3 tries, 1 s then 2 s backoff (±20 %), capped at 1 min, 5 min per try. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofMinutes(1), 2.0,
            0.2, Duration.ofMinutes(5), Set.of());

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(timeout, "timeout");
        nonRetryable = Set.copyOf(nonRetryable);
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("multiplier must be at least 1, was " + multiplier);
        }
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("jitter must be between 0 and 1, was " + jitter);
        }
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff");
        }
        Duration max = InvalidOutcomeException.MAX_DURATION;
        if (maxBackoff.compareTo(max) > 0 || timeout.compareTo(max) > 0) {
            throw new IllegalArgumentException("backoff and timeout must be at most " + max.toDays() + " days");
        }
    }

    public static Builder builder() {
        return new Builder(DEFAULT);
    }

    /** No retries: the first failure fails the task. */
    public static RetryPolicy noRetries() {
        return builder().maxAttempts(1).build();
    }

    public boolean isRetryable(Throwable error) {
        if (error instanceof NonRetryableException) {
            return false;
        }
        return nonRetryable.stream().noneMatch(type -> type.isInstance(error));
    }

    /** The wait before try number {@code nextAttempt} (2 for the first retry). */
    public Duration backoffBefore(int nextAttempt, RandomGenerator random) {
        double base = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, nextAttempt - 2));
        double capped = Math.min(base, maxBackoff.toMillis());
        double spread = capped * jitter;
        double jittered = capped - spread + random.nextDouble() * 2 * spread;
        return Duration.ofMillis(Math.max(0, Math.round(Math.min(jittered, maxBackoff.toMillis()))));
    }

    /** A small builder over {@link #DEFAULT}. */
    public static final class Builder {
        private int maxAttempts;
        private Duration initialBackoff;
        private Duration maxBackoff;
        private double multiplier;
        private double jitter;
        private Duration timeout;
        private Set<Class<? extends Throwable>> nonRetryable;

        private Builder(RetryPolicy from) {
            maxAttempts = from.maxAttempts;
            initialBackoff = from.initialBackoff;
            maxBackoff = from.maxBackoff;
            multiplier = from.multiplier;
            jitter = from.jitter;
            timeout = from.timeout;
            nonRetryable = from.nonRetryable;
        }

        public Builder maxAttempts(int value) {
            maxAttempts = value;
            return this;
        }

        public Builder backoff(Duration initial, Duration max, double growth) {
            initialBackoff = initial;
            maxBackoff = max;
            multiplier = growth;
            return this;
        }

        public Builder jitter(double fraction) {
            jitter = fraction;
            return this;
        }

        public Builder timeout(Duration value) {
            timeout = value;
            return this;
        }

        @SafeVarargs
        public final Builder nonRetryable(Class<? extends Throwable>... types) {
            nonRetryable = Set.of(types);
            return this;
        }

        public RetryPolicy build() {
            return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, multiplier, jitter, timeout, nonRetryable);
        }
    }
}
