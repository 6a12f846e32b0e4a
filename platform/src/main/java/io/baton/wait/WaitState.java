package io.baton.wait;

/** PENDING (token minted, step still running) -> OPEN -> RESUMED | FAILED | TIMED_OUT; any unresolved -> CANCELLED. */
public enum WaitState {
    PENDING, OPEN, RESUMED, FAILED, TIMED_OUT, CANCELLED;

    public boolean isResolved() {
        return this != PENDING && this != OPEN;
    }
}
