package io.baton.persistence;

/** A write violated a constraint (SQLState class 23): it conflicts with what is stored. Nothing was committed. */
public final class StoreConflictException extends StoreException {
    public StoreConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
