package io.baton.task;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The states of a task and the one table of allowed transitions. Every state change in the database goes through
 * {@link TaskRepository}, which checks it here before it writes. SUCCEEDED, FAILED and CANCELLED are terminal: the
 * engine never moves a task out of them. The one way back is an operator's retry of a FAILED task
 * ({@code FAILED -> RUNNABLE}), which is in the table like every other transition.
 */
public enum TaskState {
    RUNNABLE, RUNNING, WAITING, SLEEPING, SUCCEEDED, FAILED, CANCELLED;

    private static final Map<TaskState, Set<TaskState>> ALLOWED = Map.of(
            RUNNABLE, EnumSet.of(RUNNING, CANCELLED),
            RUNNING, EnumSet.of(RUNNABLE, WAITING, SLEEPING, SUCCEEDED, FAILED, CANCELLED),
            WAITING, EnumSet.of(RUNNABLE, FAILED, CANCELLED),
            SLEEPING, EnumSet.of(RUNNING, CANCELLED),
            SUCCEEDED, EnumSet.noneOf(TaskState.class),
            FAILED, EnumSet.of(RUNNABLE),
            CANCELLED, EnumSet.noneOf(TaskState.class));

    private static final Set<TaskState> TERMINAL = EnumSet.of(SUCCEEDED, FAILED, CANCELLED);

    /** Finished: the engine will not run the task again (only an operator's retry moves a FAILED one on). */
    public boolean isTerminal() {
        return TERMINAL.contains(this);
    }

    public boolean canMoveTo(TaskState target) {
        return ALLOWED.get(this).contains(target);
    }

    /** The states from which {@code target} may be entered. */
    public static Set<TaskState> sourcesOf(TaskState target) {
        Set<TaskState> sources = EnumSet.noneOf(TaskState.class);
        for (TaskState state : values()) {
            if (state.canMoveTo(target)) {
                sources.add(state);
            }
        }
        return sources;
    }

    /** Fails loudly when code tries a transition the table does not allow: a bug, never a runtime condition. */
    static void require(TaskState from, TaskState to) {
        if (!from.canMoveTo(to)) {
            throw new IllegalStateException("transition " + from + " -> " + to + " is not allowed");
        }
    }
}
