package io.baton.wait;

import io.baton.callback.EventType;
import io.baton.callback.Outbox;

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
    private final Outbox outbox;

    WaitResolver(WaitRepository waits, TaskRepository tasks, EngineEvents events, ObjectMapper json, Outbox outbox) {
        this.waits = waits;
        this.tasks = tasks;
        this.events = events;
        this.json = json;
        this.outbox = outbox;
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
            if (!tasks.failWaiting(c, wait.taskId(), error, now)) {
                return Effect.NONE;
            }
            announce(c, wait, outcome, null, now);
            ObjectNode failed = outbox.data(wait.taskId());
            failed.set("error", error);
            outbox.record(c, EventType.TASK_FAILED, wait.taskId(), null, failed, now);
            return Effect.TASK_FAILED;
        }
        if (!tasks.resumeWaiting(c, wait.taskId(), next, outcome == WaitState.TIMED_OUT ? null : payload, now)) {
            return Effect.NONE;
        }
        announce(c, wait, outcome, next, now);
        return Effect.TASK_RUNNABLE;
    }

    /** The outbox event of a resolution: {@code wait.timed_out}, or {@code wait.resumed} (resumed or failed). */
    private void announce(Connection c, WaitRecord wait, WaitState outcome, String next, Instant now)
            throws SQLException {
        ObjectNode data = outbox.data(wait.taskId());
        data.put("waitId", wait.id().toString());
        data.put("kind", wait.kind().name().toLowerCase(java.util.Locale.ROOT));
        if (outcome == WaitState.TIMED_OUT) {
            data.put("deadline", wait.deadline().toString());
        } else {
            data.put("outcome", outcome == WaitState.RESUMED ? "resumed" : "failed");
        }
        data.put("nextStep", next);
        outbox.record(c, outcome == WaitState.TIMED_OUT ? EventType.WAIT_TIMED_OUT : EventType.WAIT_RESUMED,
                wait.taskId(), wait.id(), data, now);
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
