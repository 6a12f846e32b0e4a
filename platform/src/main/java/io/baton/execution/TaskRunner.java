package io.baton.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.agent.Agent;
import io.baton.agent.AgentRegistry;
import io.baton.agent.Step;
import io.baton.agent.StepOutcome;
import io.baton.callback.Outbox;
import io.baton.config.ExecutionConfig;
import io.baton.event.EngineEvent.Type;
import io.baton.event.EngineEvents;
import io.baton.persistence.StoreUnavailableException;
import io.baton.persistence.Transactions;
import io.baton.task.Checkpoint;
import io.baton.task.ReadySignal;
import io.baton.task.StepRun;
import io.baton.task.Task;
import io.baton.task.TaskRepository;
import io.baton.agent.ResumeLink;
import io.baton.agent.Wait;
import io.baton.wait.WaitRepository;
import io.baton.wait.WaitService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a task this node has claimed: consecutive steps, each followed by one checkpoint fenced by the claim's attempt
 * ({@link Checkpoints}), until the task sleeps, waits, finishes, fails a try, or uses up its slice and yields. Turning
 * a step's outcome into its checkpoint is the work here; claiming is the dispatcher's, writing the checkpoint is
 * {@link Checkpoints}' and entering a wait {@link WaitService}'s.
 */
public final class TaskRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);

    private final AgentRegistry agents;
    private final Checkpoints checkpoints;
    private final TaskRepository tasks;
    private final WaitService waits;
    private final ReadySignal ready;
    private final EngineEvents events;
    private final FaultInjector faults;
    private final ExecutionConfig settings;
    private final Clock clock;
    private final String node;
    private final ObjectMapper json;
    private final ErrorDetails errors;
    private final StepInvoker invoker;

    /** What the engine needs around a runner: storage, the wait service, and where to report. */
    public record Wiring(TaskRepository tasks, WaitRepository waitRepository, WaitService waits,
                         Transactions transactions, ReadySignal ready, EngineEvents events, FaultInjector faults,
                         Outbox outbox) {
    }

    public TaskRunner(Wiring wiring, AgentRegistry agents, ExecutionConfig settings, Clock clock, String node,
                      ObjectMapper json) {
        this.agents = agents;
        this.tasks = wiring.tasks();
        this.waits = wiring.waits();
        this.ready = wiring.ready();
        this.events = wiring.events();
        this.faults = wiring.faults();
        this.checkpoints = new Checkpoints(wiring.transactions(), wiring.tasks(), wiring.waitRepository(),
                wiring.events(), wiring.faults(), wiring.outbox(), clock);
        this.settings = settings;
        this.clock = clock;
        this.node = node;
        this.json = json;
        this.errors = new ErrorDetails(json);
        this.invoker = new StepInvoker(node);
    }

    /**
     * Runs a task this node has claimed (RUNNING under a new attempt) until it stops, then tells the dispatcher when
     * it is due again (a yield: now; a retry or a sleep: later).
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

    /** What to do after a step: go on with {@code task}, or stop and be due again at {@code followUp} (if set). */
    private record Next(Task task, Instant followUp) {
        static final Next STOP = new Next(null, null);

        static Next goOn(Task task) {
            return new Next(task, null);
        }

        static Next dueAt(Instant at) {
            return new Next(null, at);
        }
    }

    /** Runs steps until the task stops; returns when it is due again, or {@code null}. */
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
            Next next = runStep(task, agent.get(), step.get(), yieldAfter, executed == 1);
            if (next.task() == null) {
                return next.followUp();
            }
            task = next.task();
        }
    }

    /**
     * One try of one step, as the outcome is applied.
     *
     * @param mayLeaveLink whether a resume link of this step may exist: minted by this try, or by an earlier try or
     *                     run (a retry; or the first step of a claim that is not the task's first, which may re-run
     *                     a step a dead node started)
     */
    private record Try(Task task, Agent agent, Step step, StepRun run, ObjectNode state,
                       BooleanSupplier mayLeaveLink) {
    }

    /** Runs one try of a step and applies its outcome. */
    private Next runStep(Task task, Agent agent, Step step, boolean yieldAfter, boolean firstOfClaim) {
        int seq = task.stepSeq() + 1;
        StepRun run = new StepRun(task.id(), task.attempt(), step.name(), task.stepAttempt() + 1, node,
                clock.instant());
        ObjectNode state = task.context().deepCopy();
        AtomicBoolean minted = new AtomicBoolean();
        RunningStepContext context = new RunningStepContext(task.id(), task.input(), state, run.tries(),
                task.id() + ":" + seq, clock, LoggerFactory.getLogger("io.baton.agent." + agent.name()),
                task.resumedWith(), once(() -> {
                    minted.set(true);
                    return waits.mint(task.id(), seq);
                }));
        Try t = new Try(task, agent, step, run, state,
                () -> minted.get() || task.stepAttempt() > 0 || firstOfClaim && task.attempt() > 1);
        faults.reached(FaultPoint.BEFORE_STEP_BODY, task.id(), step.name());
        events.publish(Type.STEP_STARTED, task.id(), agent.name(), step.name(), null);
        StepOutcome outcome;
        try {
            outcome = invoker.invoke(step, context);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Next.STOP; // node shutting down: the task is recovered once this node is gone
        } catch (Exception e) {
            faults.reached(FaultPoint.AFTER_STEP_BODY, task.id(), step.name());
            return failedTry(t, e);
        }
        faults.reached(FaultPoint.AFTER_STEP_BODY, task.id(), step.name());
        try {
            return apply(t, outcome, yieldAfter);
        } catch (StoreUnavailableException e) {
            throw e; // the database, not the outcome: this run stops and the reconciler re-queues the task
        } catch (RuntimeException e) {
            // The outcome cannot be stored (a value the database refuses, a result that is not JSON): that counts
            // as a failed try of the step, so the task ends FAILED after its tries instead of re-running forever.
            LOG.warn("Task {} step '{}': its outcome could not be applied: {}", task.id(), step.name(), e.toString());
            return failedTry(t, e);
        }
    }

    private Optional<Task> write(Try t, Checkpoint checkpoint) {
        return checkpoints.write(t.task(), checkpoint, t.mayLeaveLink().getAsBoolean());
    }

    /** The checkpoint for a step's outcome. */
    private Next apply(Try t, StepOutcome outcome, boolean yieldAfter) {
        Agent agent = t.agent();
        Step step = t.step();
        StepRun run = t.run();
        ObjectNode state = t.state();
        Instant now = clock.instant();
        if (outcome instanceof StepOutcome.Continue go) {
            String next = go.step() != null ? go.step() : agent.stepAfter(step.name()).map(Step::name).orElse(null);
            if (next == null) {
                write(t, Checkpoint.succeeded(run, state, state, now));
                return Next.STOP;
            }
            if (agent.step(next).isEmpty()) {
                return failAt(t, "UnknownStep", "step '" + step.name() + "' went to unknown step '"
                        + next + "'");
            }
            if (yieldAfter) {
                return write(t, Checkpoint.yielded(run, state, next, now)).isPresent()
                        ? Next.dueAt(now) : Next.STOP;
            }
            return write(t, Checkpoint.continued(run, state, next, now)).map(Next::goOn)
                    .orElse(Next.STOP);
        }
        if (outcome instanceof StepOutcome.Sleep sleep) {
            String next = sleep.step() != null ? sleep.step()
                    : agent.stepAfter(step.name()).map(Step::name).orElse(null);
            if (next == null || agent.step(next).isEmpty()) {
                return failAt(t, "UnknownStep", "step '" + step.name()
                        + "' sleeps but has no step to wake into");
            }
            Instant wakeAt = now.plus(sleep.duration());
            return write(t, Checkpoint.slept(run, state, next, wakeAt, now)).isPresent()
                    ? Next.dueAt(wakeAt) : Next.STOP;
        }
        if (outcome instanceof StepOutcome.Await await) {
            return enterWait(t, await.condition());
        }
        if (outcome instanceof StepOutcome.Complete complete) {
            JsonNode result = json.valueToTree(complete.result());
            write(t, Checkpoint.succeeded(run, state, result, now));
            return Next.STOP;
        }
        StepOutcome.Fail fail = (StepOutcome.Fail) outcome;
        write(t, Checkpoint.failed(run, state, errors.of("StepFailed", fail.reason()), now));
        return Next.STOP;
    }

    /**
     * Checkpoints the step as WAITING with its wait ({@link WaitService#enter}): the task waits until its deadline, or
     * a delivery that arrived early resumes (or fails) it at once.
     */
    private Next enterWait(Try t, Wait wait) {
        Task task = t.task();
        Agent agent = t.agent();
        Step step = t.step();
        String resume = wait.resumeStep() != null ? wait.resumeStep()
                : agent.stepAfter(step.name()).map(Step::name).orElse(null);
        for (String target : new String[] {resume, wait.timeoutStep(), wait.failureStep()}) {
            if (target != null && agent.step(target).isEmpty()) {
                return failAt(t, "UnknownStep", "step '" + step.name() + "' waits with unknown step '"
                        + target + "'");
            }
        }
        if (resume == null) {
            return failAt(t, "UnknownStep", "step '" + step.name()
                    + "' waits but has no step to resume into");
        }
        Wait resolved = new Wait(wait.kind(), wait.source(), wait.correlationKey(), wait.timeout(), wait.maxTimeout(),
                resume, wait.timeoutStep(), wait.failureStep(), wait.signingSecret());
        Instant now = clock.instant();
        Checkpoint checkpoint = Checkpoint.waiting(t.run(), t.state(), resume, now.plus(wait.timeout()), now);
        WaitService.Entry entry;
        try {
            entry = waits.enter(checkpoint, resolved);
        } catch (IllegalArgumentException | IllegalStateException e) {
            return failAt(t, "InvalidWait", e.getMessage());
        }
        if (entry == WaitService.Entry.FENCED) {
            checkpoints.fenced(task, step.name());
            return Next.STOP;
        }
        checkpoints.completed(task, step.name(), checkpoint.outcome());
        events.publish(Type.TASK_WAITING, task.id(), agent.name(), step.name(), wait.kind().name());
        if (entry == WaitService.Entry.WAITING) {
            LOG.info("Task {} waiting ({}) until {}", task.id(), wait.kind(), checkpoint.wakeAt());
        }
        return Next.STOP; // the wait service tells the dispatcher when the task is due again
    }

    /** The link is registered once per try, however often the step asks for it. */
    private static Supplier<ResumeLink> once(Supplier<ResumeLink> mint) {
        AtomicReference<ResumeLink> link = new AtomicReference<>();
        return () -> link.updateAndGet(known -> known != null ? known : mint.get());
    }

    /** Fails the task at this step for a reason in its definition (an unknown step, a wait it cannot open). */
    private Next failAt(Try t, String type, String reason) {
        write(t, Checkpoint.failed(t.run(), t.state(), errors.of(type, reason), clock.instant()));
        return Next.STOP;
    }

    /** A failed try: retried at its backoff while the policy allows, else the task fails with the error. */
    private Next failedTry(Try t, Exception error) {
        Task task = t.task();
        Step step = t.step();
        StepRun run = t.run();
        Instant now = clock.instant();
        int tries = run.tries();
        boolean retry = step.retryPolicy().isRetryable(error) && tries < step.retryPolicy().maxAttempts();
        events.publish(Type.STEP_FAILED, task.id(), task.agent(), step.name(),
                error.getClass().getSimpleName() + ": " + error.getMessage() + (retry ? " (will retry)" : ""));
        if (retry) {
            Duration backoff = step.retryPolicy().backoffBefore(tries + 1, ThreadLocalRandom.current());
            Instant retryAt = now.plus(backoff);
            LOG.info("Task {} step '{}' try {} failed ({}); retrying in {} ms", task.id(), step.name(), tries,
                    error.toString(), backoff.toMillis());
            if (tasks.retryLater(task.id(), task.attempt(), errors.of(error), retryAt, now)) {
                return Next.dueAt(retryAt);
            }
            checkpoints.fenced(task, step.name());
            return Next.STOP;
        }
        LOG.warn("Task {} step '{}' failed after {} tr{}: {}", task.id(), step.name(), tries,
                tries == 1 ? "y" : "ies", error.toString());
        write(t, Checkpoint.failed(run, task.context(), errors.of(error), now));
        return Next.STOP;
    }

    /** The task's agent or step is gone (a deploy removed it): it fails with the reason, without running a step. */
    private void finishWithoutStep(Task task, String reason) {
        LOG.warn("Task {} cannot run: {}", task.id(), reason);
        Instant now = clock.instant();
        StepRun run = new StepRun(task.id(), task.attempt(), task.nextStep() == null ? "(none)" : task.nextStep(), 0,
                node, now);
        checkpoints.write(task, Checkpoint.failed(run, task.context(), errors.of("AgentMismatch", reason), now), true);
    }

    @Override
    public void close() {
        invoker.close();
    }
}
