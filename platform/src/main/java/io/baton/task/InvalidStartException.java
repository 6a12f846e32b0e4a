package io.baton.task;

/** A start request that cannot be accepted as given (for example an empty or over-long idempotency key). */
public final class InvalidStartException extends IllegalArgumentException {
    public InvalidStartException(String message) {
        super(message);
    }
}
