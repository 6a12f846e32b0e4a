package io.baton.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * Everything one step's checkpoint writes to the task, in one transaction, fenced by the run's attempt. Build one
 * with the factory named for the step's outcome.
 *
 * @param newState  RUNNING to go on in this slice, RUNNABLE to yield, SLEEPING, WAITING, SUCCEEDED or FAILED
 * @param nextStep  the step to run next ({@code null} when finished)
 * @param wakeAt    when the task is due again: now for a yield, the wake-up of a sleep, the deadline of a wait
 * @param outcome   the step row's outcome label
 * @param at        when the checkpoint is written
 */
public record Checkpoint(StepRun run, TaskState newState, ObjectNode context, String nextStep, JsonNode result,
                         JsonNode error, Instant wakeAt, String outcome, Instant at) {

    /** Go on with {@code next} in this slice. */
    public static Checkpoint continued(StepRun run, ObjectNode context, String next, Instant at) {
        return new Checkpoint(run, TaskState.RUNNING, context, next, null, null, null, "CONTINUE", at);
    }

    /** Go on with {@code next}, but yield the thread first: the task is ready again at once. */
    public static Checkpoint yielded(StepRun run, ObjectNode context, String next, Instant at) {
        return new Checkpoint(run, TaskState.RUNNABLE, context, next, null, null, at, "CONTINUE", at);
    }

    public static Checkpoint slept(StepRun run, ObjectNode context, String next, Instant wakeAt, Instant at) {
        return new Checkpoint(run, TaskState.SLEEPING, context, next, null, null, wakeAt, "SLEEP", at);
    }

    /** Entered a wait that resumes into {@code resumeStep}; the wait itself is written with it. */
    public static Checkpoint waiting(StepRun run, ObjectNode context, String resumeStep, Instant deadline,
                                     Instant at) {
        return new Checkpoint(run, TaskState.WAITING, context, resumeStep, null, null, deadline, "AWAIT", at);
    }

    public static Checkpoint succeeded(StepRun run, ObjectNode context, JsonNode result, Instant at) {
        return new Checkpoint(run, TaskState.SUCCEEDED, context, null, result, null, null, "COMPLETE", at);
    }

    public static Checkpoint failed(StepRun run, ObjectNode context, JsonNode error, Instant at) {
        return new Checkpoint(run, TaskState.FAILED, context, null, null, error, null, "FAIL", at);
    }

    /** The task as it is after this checkpoint, given it as it was and the sequence number the checkpoint got. */
    public Task applyTo(Task before, int seq) {
        return new Task(before.id(), before.agent(), newState, before.input(), context, nextStep, seq, 0,
                before.attempt(), run.node(), before.idempotencyKey(), result, error, wakeAt, before.createdAt(), at,
                newState.isTerminal() ? at : null, null);
    }
}
