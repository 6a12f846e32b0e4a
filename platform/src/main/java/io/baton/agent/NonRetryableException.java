package io.baton.agent;

/** Thrown by a step to fail its task at once, whatever its retry policy. */
public class NonRetryableException extends RuntimeException {
    public NonRetryableException(String message) {
        super(message);
    }

    public NonRetryableException(String message, Throwable cause) {
        super(message, cause);
    }
}
