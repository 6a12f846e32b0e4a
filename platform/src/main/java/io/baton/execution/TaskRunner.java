package io.baton.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.agent.Agent;
import io.baton.agent.AgentRegistry;
import io.baton.agent.Step;
import io.baton.agent.StepOutcome;
import io.baton.config.ExecutionConfig;
import io.baton.persistence.StoreUnavailableException;
import io.baton.persistence.Transactions;
import io.baton.wait.ResumeLink;
import io.baton.wait.Wait;
import io.baton.wait.WaitRepository;
import io.baton.wait.WaitService;
import io.baton.wait.WaitState;
import io.baton.event.EngineEvent.Type;
import io.baton.event.EngineEvents;
import io.baton.task.Checkpoint;
import io.baton.task.ReadySignal;
import io.baton.task.Task;
import io.baton.task.TaskRepository;
import io.baton.task.TaskState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one firing of a task: claim it (a guarded RUNNABLE -> RUNNING that bumps the attempt number), then run
 * consecutive steps, each followed by one checkpoint fenced by that attempt, until the task sleeps, finishes, fails a
 * try, or the slice is used up and it yields to a fresh firing.
 */
public final class TaskRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);

    private final TaskRepository tasks;
    private final ReadySignal ready;
    private final AgentRegistry agents;
    private final EngineEvents events;
    private final FaultInjector faults;
    private final ExecutionConfig settings;
    private final Clock clock;
    private final String node;
    private final ObjectMapper json;
    private final ErrorDetails errors;
    private final StepInvoker invoker;
    private final WaitService waits;
    private final Transactions transactions;

    public TaskRunner(TaskRepository tasks, ReadySignal ready, AgentRegistry agents, EngineEvents events,
                      FaultInjector faults, ExecutionConfig settings, Clock clock, String node, ObjectMapper json,
                      WaitService waits, Transactions transactions) {
        this.waits = waits;
        this.transactions = transactions;
        this.tasks = tasks;
        this.ready = ready;
        this.agents = agents;
        this.events = events;
        this.faults = faults;
        this.settings = settings;
        this.clock = clock;
        this.node = node;
        this.json = json;
        this.errors = new ErrorDetails(json);
        this.invoker = new StepInvoker(node);
    }

    /**
     * Runs a task this node has claimed (RUNNING under a new attempt): consecutive steps until it sleeps, waits,
     * finishes, fails a try, or uses up its slice and yields. Tells the dispatcher when the task is due again.
     */
    public void run(Task claimed) {
        Instant followUp = runSlice(claimed);
        if (followUp != null) {
            if (followUp.isAfter(clock.instant())) {
                ready.readyAt(followUp);
            } else {
                ready.readyNow();
            }
        }
    }

    /** What to do after a step: go on with {@code task}, or stop and fire again at {@code followUp} (if set). */
    private record Next(Task task, Instant followUp) {
        static final Next STOP = new Next(null, null);

        static Next goOn(Task task) {
            return new Next(task, null);
        }

        static Next fireAt(Instant at) {
            return new Next(null, at);
        }
    }

    /** Runs steps until the task stops; returns when to fire it again, or {@code null}. */
    private Instant runSlice(Task claimed) {
        Task task = claimed;
        Optional<Agent> agent = agents.find(task.agent());
        if (agent.isEmpty()) {
            finishWithoutStep(task, "agent '" + task.agent() + "' is not registered on node " + node);
            return null;
        }
        Instant sliceEnd = clock.instant().plus(settings.sliceMaxTime());
        for (int executed = 1; ; executed++) {
            String stepName = task.nextStep() != null ? task.nextStep() : agent.get().firstStep().name();
            Optional<Step> step = agent.get().step(stepName);
            if (step.isEmpty()) {
                finishWithoutStep(task, "step '" + stepName + "' no longer exists in agent '" + task.agent() + "'");
                return null;
            }
            boolean yieldAfter = executed >= settings.sliceMaxSteps() || !clock.instant().isBefore(sliceEnd);
            Next next = runStep(task, agent.get(), step.get(), yieldAfter);
            if (next.task() == null) {
                return next.followUp();
            }
            task = next.task();
        }
    }

    /** Runs one try of a step and applies its outcome. */
    private Next runStep(Task task, Agent agent, Step step, boolean yieldAfter) {
        int seq = task.stepSeq() + 1;
        int tries = task.stepAttempt() + 1;
        ObjectNode state = task.context().deepCopy();
        RunningStepContext context = new RunningStepContext(task.id(), task.input(), state, tries,
                task.id() + ":" + seq, clock, LoggerFactory.getLogger("io.baton.agent." + agent.name()),
                task.resumedWith(), once(() -> waits.mint(task.id(), seq)));
        Instant started = clock.instant();
        faults.reached(FaultPoint.BEFORE_STEP_BODY, task.id(), step.name());
        events.publish(Type.STEP_STARTED, task.id(), agent.name(), step.name(), null);
        StepOutcome outcome;
        try {
            outcome = invoker.invoke(step, context);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Next.STOP; // node shutting down: the reconciler or a recovery firing picks it up
        } catch (Exception e) {
            faults.reached(FaultPoint.AFTER_STEP_BODY, task.id(), step.name());
            return handleFailure(task, agent, step, tries, e);
        }
        faults.reached(FaultPoint.AFTER_STEP_BODY, task.id(), step.name());
        try {
            return applyOutcome(task, agent, step, outcome, state, tries, started, yieldAfter);
        } catch (StoreUnavailableException e) {
            throw e; // the database, not the outcome: this firing stops and the reconciler re-queues the task
        } catch (RuntimeException e) {
            // The outcome cannot be stored (a value the database refuses, a result that is not JSON): that counts
            // as a failed try of the step, so the task ends FAILED after its tries instead of re-running forever.
            LOG.warn("Task {} step '{}': its outcome could not be applied: {}", task.id(), step.name(), e.toString());
            return handleFailure(task, agent, step, tries, e);
        }
    }

    private Next applyOutcome(Task task, Agent agent, Step step, StepOutcome outcome, ObjectNode state,
                              int tries, Instant started, boolean yieldAfter) {
        Instant now = clock.instant();
        if (outcome instanceof StepOutcome.Continue go) {
            String next = go.step() != null ? go.step()
                    : agent.stepAfter(step.name()).map(Step::name).orElse(null);
            if (next == null) {
                checkpoint(task, agent, step, TaskState.SUCCEEDED, state, null, state, null, null, "COMPLETE", tries,
                        started);
                return Next.STOP;
            }
            if (agent.step(next).isEmpty()) {
                failAt(task, agent, step, state, "step '" + step.name() + "' went to unknown step '" + next + "'",
                        tries, started);
                return Next.STOP;
            }
            TaskState newState = yieldAfter ? TaskState.RUNNABLE : TaskState.RUNNING;
            Optional<Task> saved = checkpoint(task, agent, step, newState, state, next, null, null,
                    yieldAfter ? now : null, "CONTINUE", tries, started);
            if (saved.isEmpty()) {
                return Next.STOP;
            }
            return yieldAfter ? Next.fireAt(now) : Next.goOn(saved.get());
        }
        if (outcome instanceof StepOutcome.Sleep sleep) {
            String next = sleep.step() != null ? sleep.step()
                    : agent.stepAfter(step.name()).map(Step::name).orElse(null);
            if (next == null || agent.step(next).isEmpty()) {
                failAt(task, agent, step, state, "step '" + step.name() + "' sleeps but has no step to wake into",
                        tries, started);
                return Next.STOP;
            }
            Instant wakeAt = now.plus(sleep.duration());
            return checkpoint(task, agent, step, TaskState.SLEEPING, state, next, null, null, wakeAt, "SLEEP", tries,
                    started).isPresent() ? Next.fireAt(wakeAt) : Next.STOP;
        }
        if (outcome instanceof StepOutcome.Await await) {
            return enterWait(task, agent, step, await.condition(), state, tries, started);
        }
        if (outcome instanceof StepOutcome.Complete complete) {
            JsonNode result = json.valueToTree(complete.result());
            checkpoint(task, agent, step, TaskState.SUCCEEDED, state, null, result, null, null, "COMPLETE", tries,
                    started);
            return Next.STOP;
        }
        StepOutcome.Fail fail = (StepOutcome.Fail) outcome;
        checkpoint(task, agent, step, TaskState.FAILED, state, null, null, errors.of("StepFailed", fail.reason()),
                null, "FAIL", tries, started);
        return Next.STOP;
    }

    /**
     * Checkpoints the step as WAITING and opens its wait in the same transaction, consuming a delivery that arrived
     * early (then the task is runnable again at once). Otherwise the next firing is at the deadline.
     */
    private Next enterWait(Task task, Agent agent, Step step, Wait wait, ObjectNode state, int tries,
                           Instant started) {
        String resume = wait.resumeStep() != null ? wait.resumeStep()
                : agent.stepAfter(step.name()).map(Step::name).orElse(null);
        for (String target : new String[] {resume, wait.timeoutStep(), wait.failureStep()}) {
            if (target != null && agent.step(target).isEmpty()) {
                failAt(task, agent, step, state, "step '" + step.name() + "' waits with unknown step '" + target
                        + "'", tries, started);
                return Next.STOP;
            }
        }
        if (resume == null) {
            failAt(task, agent, step, state, "step '" + step.name() + "' waits but has no step to resume into",
                    tries, started);
            return Next.STOP;
        }
        Wait resolved = new Wait(wait.kind(), wait.source(), wait.correlationKey(), wait.timeout(), wait.maxTimeout(),
                resume, wait.timeoutStep(), wait.failureStep(), wait.signingSecret());
        Instant now = clock.instant();
        Instant deadline = now.plus(wait.timeout());
        Checkpoint checkpoint = new Checkpoint(task.id(), task.attempt(), step.name(), TaskState.WAITING, state,
                resume, null, null, deadline, "AWAIT", tries, node, started, now, false);
        WaitEntry entry;
        try {
            entry = transactions.inTransaction(c -> {
                Optional<Integer> seq = tasks.checkpoint(c, checkpoint);
                if (seq.isEmpty()) {
                    return WaitEntry.FENCED;
                }
                WaitService.Opened opened = waits.open(c, task.id(), seq.get(), resolved, now);
                if (opened.consumed().isEmpty()) {
                    return WaitEntry.WAITING;
                }
                WaitRepository.InboxItem early = opened.consumed().get();
                boolean runnable = waits.resolveInTransaction(c, opened.record(), WaitState.valueOf(early.outcome()),
                        early.payload(), early.payloadHash(), now);
                return runnable ? WaitEntry.RESUMED_AT_ONCE : WaitEntry.FINISHED_AT_ONCE;
            });
        } catch (IllegalArgumentException | IllegalStateException e) {
            failAt(task, agent, step, state, "InvalidWait", e.getMessage(), tries, started);
            return Next.STOP;
        }
        if (entry == WaitEntry.FENCED) {
            fenced(task, agent, step);
            return Next.STOP;
        }
        events.publish(Type.STEP_COMPLETED, task.id(), agent.name(), step.name(), "AWAIT");
        faults.reached(FaultPoint.AFTER_CHECKPOINT, task.id(), step.name());
        events.publish(Type.TASK_WAITING, task.id(), agent.name(), step.name(), wait.kind().name());
        return switch (entry) {
            case RESUMED_AT_ONCE -> {
                LOG.info("Task {} resumed at once by a delivery that arrived early", task.id());
                yield Next.fireAt(now);
            }
            case FINISHED_AT_ONCE -> {
                events.publish(Type.TASK_FINISHED, task.id(), agent.name(), step.name(), TaskState.FAILED.name());
                yield Next.STOP;
            }
            default -> {
                LOG.info("Task {} waiting ({}) until {}", task.id(), wait.kind(), deadline);
                yield Next.fireAt(deadline);
            }
        };
    }

    private enum WaitEntry { FENCED, WAITING, RESUMED_AT_ONCE, FINISHED_AT_ONCE }

    /** The link is registered once per try, however often the step asks for it. */
    private static Supplier<ResumeLink> once(Supplier<ResumeLink> mint) {
        AtomicReference<ResumeLink> link = new AtomicReference<>();
        return () -> link.updateAndGet(known -> known != null ? known : mint.get());
    }

    private void failAt(Task task, Agent agent, Step step, ObjectNode state, String reason, int tries,
                        Instant started) {
        failAt(task, agent, step, state, "UnknownStep", reason, tries, started);
    }

    private void failAt(Task task, Agent agent, Step step, ObjectNode state, String type, String reason, int tries,
                        Instant started) {
        checkpoint(task, agent, step, TaskState.FAILED, state, null, null, errors.of(type, reason), null, "FAIL", tries,
                started);
    }

    private Next handleFailure(Task task, Agent agent, Step step, int tries, Exception error) {
        Instant now = clock.instant();
        boolean retry = step.retryPolicy().isRetryable(error) && tries < step.retryPolicy().maxAttempts();
        events.publish(Type.STEP_FAILED, task.id(), agent.name(), step.name(),
                error.getClass().getSimpleName() + ": " + error.getMessage() + (retry ? " (will retry)" : ""));
        if (retry) {
            Duration backoff = step.retryPolicy().backoffBefore(tries + 1, ThreadLocalRandom.current());
            Instant retryAt = now.plus(backoff);
            LOG.info("Task {} step '{}' try {} failed ({}); retrying in {} ms", task.id(), step.name(), tries,
                    error.toString(), backoff.toMillis());
            if (tasks.retryLater(task.id(), task.attempt(), errors.of(error), retryAt, now)) {
                return Next.fireAt(retryAt);
            }
            fenced(task, agent, step);
            return Next.STOP;
        }
        LOG.warn("Task {} step '{}' failed after {} tr{}: {}", task.id(), step.name(), tries,
                tries == 1 ? "y" : "ies", error.toString());
        checkpoint(task, agent, step, TaskState.FAILED, task.context(), null, null, errors.of(error), null, "FAIL",
                tries, now);
        return Next.STOP;
    }

    private void finishWithoutStep(Task task, String reason) {
        LOG.warn("Task {} cannot run: {}", task.id(), reason);
        String step = task.nextStep() == null ? "(none)" : task.nextStep();
        Instant now = clock.instant();
        Optional<Integer> seq = tasks.checkpoint(new Checkpoint(task.id(), task.attempt(), step, TaskState.FAILED,
                task.context(), null, null, errors.of("AgentMismatch", reason), null, "FAIL", 0, node, now, now, true));
        if (seq.isPresent()) {
            events.publish(Type.TASK_FINISHED, task.id(), task.agent(), step, TaskState.FAILED.name());
        } else {
            events.publish(Type.STEP_FENCED, task.id(), task.agent(), step, "attempt " + task.attempt());
        }
    }

    private Optional<Task> checkpoint(Task task, Agent agent, Step step, TaskState newState, ObjectNode state,
                                      String next, JsonNode result, JsonNode error, Instant wakeAt, String label,
                                      int tries, Instant started) {
        Instant now = clock.instant();
        Optional<Integer> seq = tasks.checkpoint(new Checkpoint(task.id(), task.attempt(), step.name(), newState,
                state, next, result, error, wakeAt, label, tries, node, started, now, true));
        if (seq.isEmpty()) {
            fenced(task, agent, step);
            return Optional.empty();
        }
        events.publish(Type.STEP_COMPLETED, task.id(), agent.name(), step.name(), label);
        faults.reached(FaultPoint.AFTER_CHECKPOINT, task.id(), step.name());
        if (newState.isTerminal()) {
            LOG.info("Task {} {} after step '{}'", task.id(), newState, step.name());
            events.publish(Type.TASK_FINISHED, task.id(), agent.name(), step.name(), newState.name());
        }
        return Optional.of(new Task(task.id(), task.agent(), newState, task.input(), state, next, seq.get(), 0,
                task.attempt(), node, task.idempotencyKey(), result, error, wakeAt,
                task.createdAt(), now, newState.isTerminal() ? now : null, null));
    }

    private void fenced(Task task, Agent agent, Step step) {
        LOG.warn("Task {} step '{}': checkpoint of attempt {} rejected; the task was cancelled or taken over",
                task.id(), step.name(), task.attempt());
        tasks.recordFenced(task.id(), step.name(), task.attempt(), node, clock.instant());
        events.publish(Type.STEP_FENCED, task.id(), agent.name(), step.name(), "attempt " + task.attempt());
    }

    @Override
    public void close() {
        invoker.close();
    }
}
