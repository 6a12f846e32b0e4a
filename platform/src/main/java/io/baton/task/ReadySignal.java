package io.baton.task;

import java.time.Instant;

/**
 * Told, after the commit, that tasks became ready (started, resumed, yielded, recovered) or will be at a known time
 * (a sleep, a retry, a wait's deadline), so the node dispatches them at once instead of at its next poll. Only a hint:
 * a signal that is lost delays work by one poll interval, never loses it.
 */
public interface ReadySignal {
    /** Tasks became ready now. */
    void readyNow();

    /** Something becomes due at {@code at}. */
    void readyAt(Instant at);
}
