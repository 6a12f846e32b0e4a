package io.baton.persistence;

/**
 * The database could not be reached or could not finish the operation for now (connection lost, shut down,
 * overloaded, a deadlock or serialisation failure); nothing was committed. Retrying later may succeed; HTTP surfaces
 * answer 503.
 */
public class StoreUnavailableException extends StoreException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
