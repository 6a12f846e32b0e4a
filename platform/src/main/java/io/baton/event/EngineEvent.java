package io.baton.event;

import java.time.Instant;
import java.util.UUID;

/**
 * Something the engine did. One listener interface ({@link EngineListener}) serves metrics, logs and tests.
 *
 * @param step   the step concerned, or {@code null}
 * @param detail a short human-readable detail (an error message, the final state), or {@code null}
 */
public record EngineEvent(Type type, UUID taskId, String agent, String step, String node, Instant at,
                          String detail) {

    public enum Type {
        TASK_STARTED,
        /** An operator retried a FAILED task ({@code step}: where it goes on). */
        TASK_RETRIED,
        STEP_STARTED,
        STEP_COMPLETED,
        /** A try of a step failed; {@code detail} says whether it will be retried. */
        STEP_FAILED,
        /** A checkpoint was rejected because its attempt had been superseded. */
        STEP_FENCED,
        /** The task reached SUCCEEDED, FAILED or CANCELLED ({@code detail}). */
        TASK_FINISHED,
        /** A task abandoned by a dead or stalled node was made runnable again. */
        TASK_RECOVERED,
        /** A task entered a wait ({@code detail}: token or event). */
        TASK_WAITING,
        /** A delivery or event resumed a waiting task (or failed its wait). */
        TASK_RESUMED,
        /** A wait's deadline passed. */
        WAIT_TIMED_OUT
    }
}
