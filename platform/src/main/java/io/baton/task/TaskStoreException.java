package io.baton.task;

/** The database failed while reading or writing tasks (unreachable, or an unexpected SQL error). */
public final class TaskStoreException extends io.baton.persistence.StoreUnavailableException {
    public TaskStoreException(String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause);
    }
}
