package io.baton.wait;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The states of a wait and the one table of allowed transitions: PENDING (the step minted its token and still runs)
 * -> OPEN (the step's checkpoint entered the wait) -> RESUMED | FAILED | TIMED_OUT; PENDING or OPEN -> CANCELLED (the
 * task was cancelled, or the step did not wait after all). {@link WaitRepository} binds the states its guarded
 * updates start from out of this table ({@link #sourcesOf}), so the statements cannot drift from it.
 */
public enum WaitState {
    PENDING, OPEN, RESUMED, FAILED, TIMED_OUT, CANCELLED;

    private static final Map<WaitState, Set<WaitState>> ALLOWED = Map.of(
            PENDING, EnumSet.of(OPEN, CANCELLED),
            OPEN, EnumSet.of(RESUMED, FAILED, TIMED_OUT, CANCELLED),
            RESUMED, EnumSet.noneOf(WaitState.class),
            FAILED, EnumSet.noneOf(WaitState.class),
            TIMED_OUT, EnumSet.noneOf(WaitState.class),
            CANCELLED, EnumSet.noneOf(WaitState.class));

    public boolean isResolved() {
        return ALLOWED.get(this).isEmpty();
    }

    public boolean canMoveTo(WaitState target) {
        return ALLOWED.get(this).contains(target);
    }

    /** The states from which {@code target} may be entered, as names to bind to {@code state = ANY(?)}. */
    static String[] sourcesOf(WaitState target) {
        return java.util.Arrays.stream(values()).filter(state -> state.canMoveTo(target)).map(Enum::name)
                .toArray(String[]::new);
    }
}
