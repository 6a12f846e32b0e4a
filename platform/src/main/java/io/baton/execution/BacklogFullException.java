package io.baton.execution;

import java.time.Duration;

/**
 * A start was refused because the ready backlog (tasks due but not yet claimed) is at its configured bound, in all or
 * for the agent. Nothing was stored; start again after {@link #retryAfter()}. HTTP answers 429 with
 * {@code Retry-After}.
 */
public final class BacklogFullException extends RuntimeException {
    private final Duration retryAfter;

    public BacklogFullException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
