package io.baton.persistence;

/** The schema could not be migrated. The message is one line, without secrets. */
public final class MigrationException extends RuntimeException {
    public MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
