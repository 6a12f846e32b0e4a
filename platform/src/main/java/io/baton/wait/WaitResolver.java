package io.baton.wait;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.event.EngineEvent.Type;
import io.baton.event.EngineEvents;
import io.baton.task.TaskRepository;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

/**
 * The one owner of "a wait resolved, so its task runs on or fails": every path that ends a wait (a delivery to its
 * token, an event, a failure, a deadline found by the sweep or by a late delivery or heartbeat, an early delivery
 * consumed as the wait opens) goes through {@link #resolve}, in the caller's transaction, and publishes through
 * {@link #published} after the commit.
 */
final class WaitResolver {

    /** What a resolution did to the task. */
    enum Effect {
        /** The wait was no longer open: someone else resolved it first; nothing changed. */
        NONE,
        /** The task is RUNNABLE again, at the wait's step for this outcome. */
        TASK_RUNNABLE,
        /** The wait had no step for this outcome: the task FAILED with the reason. */
        TASK_FAILED
    }

    private final WaitRepository waits;
    private final TaskRepository tasks;
    private final EngineEvents events;
    private final ObjectMapper json;

    WaitResolver(WaitRepository waits, TaskRepository tasks, EngineEvents events, ObjectMapper json) {
        this.waits = waits;
        this.tasks = tasks;
        this.events = events;
        this.json = json;
    }

    /** OPEN -> {@code outcome} for the wait, and the task WAITING -> RUNNABLE (or FAILED), in one transaction. */
    Effect resolve(Connection c, WaitRecord wait, WaitState outcome, JsonNode payload, String payloadHash, Instant now)
            throws SQLException {
        if (!waits.resolve(c, wait.id(), outcome, payload, payloadHash, now)) {
            return Effect.NONE;
        }
        String next = switch (outcome) {
            case RESUMED -> wait.resumeStep();
            case TIMED_OUT -> wait.timeoutStep();
            case FAILED -> wait.failureStep();
            default -> throw new IllegalArgumentException("not a resolution: " + outcome);
        };
        if (next == null) {
            ObjectNode error = json.createObjectNode();
            error.put("type", outcome == WaitState.TIMED_OUT ? "WaitTimedOut" : "WaitFailed");
            error.put("message", outcome == WaitState.TIMED_OUT
                    ? "the wait's deadline " + wait.deadline() + " passed"
                    : "the wait was failed: " + (payload == null ? "" : payload.path("reason").asText()));
            return tasks.failWaiting(c, wait.taskId(), error, now) ? Effect.TASK_FAILED : Effect.NONE;
        }
        return tasks.resumeWaiting(c, wait.taskId(), next, outcome == WaitState.TIMED_OUT ? null : payload, now)
                ? Effect.TASK_RUNNABLE : Effect.NONE;
    }

    /** After the commit: the events of a resolution (resumed or timed out, and a task that failed by it). */
    void published(WaitState outcome, UUID taskId, UUID waitId, Effect effect) {
        if (effect == Effect.NONE) {
            return;
        }
        events.publish(outcome == WaitState.TIMED_OUT ? Type.WAIT_TIMED_OUT : Type.TASK_RESUMED, taskId, null, null,
                "wait " + waitId);
        if (effect == Effect.TASK_FAILED) {
            events.publish(Type.TASK_FINISHED, taskId, null, null, "FAILED");
        }
    }
}
