package io.baton.signature;

import java.util.Objects;

/**
 * The outcome of checking a webhook signature: {@link Status#VALID}, or {@link Status#INVALID} with a one-line reason
 * suitable for the {@code detail} of an HTTP 401 problem (for example {@code "no signature matched"}). A reason never
 * contains a secret. A valid verification has an empty reason.
 */
public record Verification(Status status, String reason) {

    /** Whether the signature checked out. */
    public enum Status { VALID, INVALID }

    public Verification {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        if (status == Status.VALID && !reason.isEmpty()) {
            throw new IllegalArgumentException("a valid verification has no reason");
        }
        if (status == Status.INVALID && reason.isBlank()) {
            throw new IllegalArgumentException("an invalid verification needs a reason");
        }
    }

    /** The request is authentic. */
    public static Verification valid() {
        return new Verification(Status.VALID, "");
    }

    /** The request must be refused, because of {@code reason}. */
    public static Verification invalid(String reason) {
        return new Verification(Status.INVALID, reason);
    }

    public boolean isValid() {
        return status == Status.VALID;
    }
}
