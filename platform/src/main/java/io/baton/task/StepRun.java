package io.baton.task;

import java.time.Instant;
import java.util.UUID;

/**
 * Who ran which step: the task, the attempt (the fencing token) that ran it, the step, its try number, the node and
 * when it started.
 */
public record StepRun(UUID taskId, long attempt, String stepName, int tries, String node, Instant startedAt) {
}
