package io.baton.ops.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.task.StepRecord;
import io.baton.task.Task;
import io.baton.task.TaskService.TaskDetails;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A task as the admin API shows it. */
public record TaskView(UUID id, String agent, String state, JsonNode input, JsonNode context, String nextStep,
                       int checkpoints, long attempt, String owner, String idempotencyKey, JsonNode result,
                       JsonNode error, Instant wakeAt, Instant createdAt, Instant updatedAt, Instant finishedAt,
                       List<StepView> steps) {

    /** One checkpoint of the task's history. */
    public record StepView(int seq, String step, String outcome, int tries, long attempt, String node,
                           Instant startedAt, Instant finishedAt) {
    }

    public static TaskView of(TaskDetails details) {
        Task t = details.task();
        return new TaskView(t.id(), t.agent(), t.state().name(), t.input(), t.context(), t.nextStep(), t.stepSeq(),
                t.attempt(), t.owner(), t.idempotencyKey(), t.result(), t.error(), t.wakeAt(), t.createdAt(),
                t.updatedAt(), t.finishedAt(), details.steps().stream().map(TaskView::step).toList());
    }

    private static StepView step(StepRecord s) {
        return new StepView(s.seq(), s.stepName(), s.outcome(), s.tries(), s.attempt(), s.node(), s.startedAt(),
                s.finishedAt());
    }
}
