package io.baton.ops.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.task.StepRecord;
import io.baton.task.Task;
import io.baton.execution.TaskService.TaskDetails;
import io.baton.agent.Wait;
import io.baton.wait.WaitService;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A task as the admin API shows it. */
public record TaskView(UUID id, String agent, String state, JsonNode input, JsonNode context, String nextStep,
                       int checkpoints, long attempt, String owner, String idempotencyKey, JsonNode result,
                       JsonNode error, Instant wakeAt, Instant createdAt, Instant updatedAt, Instant finishedAt,
                       JsonNode resumedWith, List<StepView> steps, List<WaitView> waits) {

    /**
     * One of the task's waits. {@code resumeUrl} is shown while a token wait is unresolved: anyone holding it can
     * resume the task, so the admin API is the only place besides the step itself that reveals it.
     */
    public record WaitView(UUID id, int seq, String kind, String state, Instant deadline, Instant maxDeadline,
                           String source, String correlationKey, String resumeUrl, Instant resolvedAt) {
    }

    /** One checkpoint of the task's history. */
    public record StepView(int seq, String step, String outcome, int tries, long attempt, String node,
                           Instant startedAt, Instant finishedAt) {
    }

    public static TaskView of(TaskDetails details, WaitService waits) {
        Task t = details.task();
        List<WaitView> waitViews = waits.waitsOf(t.id()).stream().map(w -> new WaitView(w.id(), w.seq(),
                w.kind().name(), w.state().name(), w.deadline(), w.maxDeadline(), w.source(), w.correlationKey(),
                w.kind() == Wait.Kind.TOKEN && !w.state().isResolved() && waits.tokensEnabled()
                        ? waits.resumeUrl(t.id(), w.seq()) : null, w.resolvedAt())).toList();
        return of(t, details.steps().stream().map(TaskView::step).toList(), waitViews);
    }

    /** A task as it was just created: no steps, no waits yet (nothing to read back). */
    public static TaskView created(Task t) {
        return of(t, List.of(), List.of());
    }

    private static TaskView of(Task t, List<StepView> steps, List<WaitView> waits) {
        return new TaskView(t.id(), t.agent(), t.state().name(), t.input(), t.context(), t.nextStep(), t.stepSeq(),
                t.attempt(), t.owner(), t.idempotencyKey(), t.result(), t.error(), t.wakeAt(), t.createdAt(),
                t.updatedAt(), t.finishedAt(), t.resumedWith(), steps, waits);
    }

    private static StepView step(StepRecord s) {
        return new StepView(s.seq(), s.stepName(), s.outcome(), s.tries(), s.attempt(), s.node(), s.startedAt(),
                s.finishedAt());
    }
}
