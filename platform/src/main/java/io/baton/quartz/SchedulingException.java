package io.baton.quartz;

/** Quartz could not store a trigger (usually: the database is unreachable). The reconciler repairs the gap. */
public final class SchedulingException extends RuntimeException {
    public SchedulingException(String message, Throwable cause) {
        super(message, cause);
    }
}
