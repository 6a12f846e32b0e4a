package io.baton.task;

import java.time.Instant;
import java.util.UUID;

/**
 * One checkpoint in a task's history.
 *
 * @param seq     1 for the first checkpoint, then 2, 3, ... without gaps
 * @param outcome what the step decided: CONTINUE, SLEEP, COMPLETE, FAIL
 * @param tries   how many tries the step took
 * @param attempt the task attempt (fencing token) that wrote it
 * @param node    the node that ran it
 */
public record StepRecord(UUID taskId, int seq, String stepName, String outcome, int tries, long attempt, String node,
                         Instant startedAt, Instant finishedAt) {
}
