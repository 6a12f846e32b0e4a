package io.baton.wait;

/** A delivery that was refused, and changed nothing. {@link #reason()} decides the HTTP status. */
public final class DeliveryException extends RuntimeException {

    public enum Reason {
        /** No wait has this token (404). */
        UNKNOWN,
        /** The wait already ended: resumed, failed, timed out or cancelled (410). */
        FINISHED,
        /** A different payload for a token already used, or a delivery id reused with another payload (409). */
        CONFLICT,
        /** The wait has not started yet (409, heartbeats only). */
        NOT_STARTED,
        /** The wait demands a Standard Webhooks signature and this one is missing, stale or wrong (401). */
        UNAUTHORIZED
    }

    private final Reason reason;

    public DeliveryException(Reason reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
