package io.baton.persistence;

/**
 * The database refused a value (SQLState class 22, data exception, or 54, program limit exceeded): text PostgreSQL
 * cannot store, a number out of range, a value too large. Retrying the same write fails the same way.
 */
public final class StoreRejectedException extends StoreException {
    public StoreRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
