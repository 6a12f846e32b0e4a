package io.baton.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.UUID;

/**
 * One run of an agent as stored.
 *
 * @param stepSeq     checkpoints taken so far; the next checkpoint gets {@code stepSeq + 1}
 * @param stepAttempt failed tries of the current step so far
 * @param attempt     fencing token: grows by one at every claim
 * @param owner       the node that last claimed it
 * @param error       {@code {type, message, stackTrace}} of the last failure, if any
 * @param wakeAt      when a runnable task became (or, backing off, becomes) due, when a sleeping one wakes, or a
 *                    waiting task's deadline
 * @param resumedWith what resumed the task's last wait (the payload, or the failure reason), for its next step
 */
public record Task(UUID id, String agent, TaskState state, JsonNode input, ObjectNode context, String nextStep,
                   int stepSeq, int stepAttempt, long attempt, String owner, String idempotencyKey,
                   JsonNode result, JsonNode error, Instant wakeAt, Instant createdAt, Instant updatedAt,
                   Instant finishedAt, JsonNode resumedWith) {
}
