package io.baton.persistence;

/** The database cannot be reached or refused the connection. The message is one line, without secrets. */
public final class DatabaseUnavailableException extends RuntimeException {
    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
