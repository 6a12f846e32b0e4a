package io.baton.persistence;

/** The database could not complete an operation; nothing of it was committed. HTTP surfaces answer 503. */
public class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
