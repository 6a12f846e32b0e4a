package io.baton.persistence;

import java.sql.SQLException;

/**
 * The database did not complete an operation; nothing of it was committed. {@link #from} sorts a
 * {@link SQLException} by its SQLState into what callers must tell apart: the database is unavailable (retry later),
 * it rejected a value (the caller's data is at fault), a constraint was violated (a conflict), or anything else
 * (a bug: this base type).
 */
public class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The typed exception for {@code e}, with {@code what} (never a secret) leading its message. */
    public static StoreException from(String what, SQLException e) {
        String message = what + ": " + e.getMessage();
        String state = e.getSQLState();
        if (state == null || state.length() < 2 || e instanceof java.sql.SQLTransientConnectionException) {
            // no SQLState: an I/O failure; or the pool found no connection in time, whatever the last failure's state
            return new StoreUnavailableException(message, e);
        }
        return switch (state.substring(0, 2)) {
            // connection, insufficient resources, operator intervention (shutdown, cancel), rollback (serialisation,
            // deadlock), system I/O errors; a session ended for idling in a transaction; a lock not available
            case "08", "53", "57", "40", "58" -> new StoreUnavailableException(message, e);
            case "22", "54" -> new StoreRejectedException(message, e);
            case "23" -> new StoreConflictException(message, e);
            default -> state.equals("25P03") || state.equals("55P03") ? new StoreUnavailableException(message, e)
                    : new StoreException(message, e);
        };
    }
}
