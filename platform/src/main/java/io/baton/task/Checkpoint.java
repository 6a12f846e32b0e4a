package io.baton.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.UUID;

/**
 * Everything one step's checkpoint writes, in one transaction, fenced by {@code attempt}.
 *
 * @param newState  RUNNING to go on in this slice, RUNNABLE to yield, SLEEPING, SUCCEEDED or FAILED
 * @param nextStep  the step to run next ({@code null} when finished)
 * @param wakeAt    for SLEEPING: when to wake
 * @param outcome   the step row's outcome label
 * @param revokesPendingWait the step minted a resume link but did not wait: that link's wait is cancelled
 */
public record Checkpoint(UUID taskId, long attempt, String stepName, TaskState newState, ObjectNode context,
                         String nextStep, JsonNode result, JsonNode error, Instant wakeAt, String outcome, int tries,
                         String node, Instant startedAt, Instant finishedAt, boolean revokesPendingWait) {
}
