package io.baton.execution;

import io.baton.callback.EventType;
import io.baton.callback.Outbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.baton.agent.Agent;
import io.baton.audit.AuditEntry;
import io.baton.audit.AuditLog;
import io.baton.agent.AgentRegistry;
import io.baton.event.EngineEvent.Type;
import io.baton.event.EngineEvents;
import io.baton.task.InvalidStartException;
import io.baton.task.ReadySignal;
import io.baton.task.StepRecord;
import io.baton.task.Task;
import io.baton.task.TaskRepository;
import io.baton.task.TaskState;
import io.baton.task.UnknownAgentException;
import io.baton.persistence.Transactions;
import io.baton.wait.WaitRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starting, reading and cancelling tasks: what applications and the admin API call. */
public final class TaskService {
    private static final Logger LOG = LoggerFactory.getLogger(TaskService.class);
    public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 200;

    private final TaskRepository tasks;
    private final WaitRepository waits;
    private final Transactions transactions;
    private final ReadySignal ready;
    private final BacklogLimit backlog;
    private final AgentRegistry agents;
    private final EngineEvents events;
    private final Clock clock;

    private final Outbox outbox;
    private final AuditLog auditLog;

    public TaskService(TaskRepository tasks, WaitRepository waits, Transactions transactions, ReadySignal ready,
                       BacklogLimit backlog, AgentRegistry agents, EngineEvents events, Outbox outbox,
                       AuditLog auditLog, Clock clock) {
        this.outbox = outbox;
        this.auditLog = auditLog;
        this.tasks = tasks;
        this.waits = waits;
        this.transactions = transactions;
        this.ready = ready;
        this.backlog = backlog;
        this.agents = agents;
        this.events = events;
        this.clock = clock;
    }

    /** A started (or, for a repeated idempotency key, the existing) task. */
    public record StartedTask(Task task, boolean created) {
    }

    /** A task with its step history. */
    public record TaskDetails(Task task, List<StepRecord> steps) {
    }

    public enum CancelResult { CANCELLED, ALREADY_FINISHED, NOT_FOUND }

    /** What a retry did. */
    public enum RetryOutcome { RETRIED, NOT_FAILED, NOT_FOUND }

    /** What a retry did, and the step the task runs next if it was retried. */
    public record RetryResult(RetryOutcome outcome, String step) {
    }

    /**
     * Starts a task of {@code agentName}. With an {@code idempotencyKey}, a second start with the same key returns
     * the first task and starts nothing.
     *
     * @throws UnknownAgentException if no such agent is registered on this node
     * @throws InvalidStartException if the idempotency key is blank or too long
     * @throws BacklogFullException if the ready backlog is at its bound (nothing was stored; start again later)
     */
    public StartedTask start(String agentName, JsonNode input, String idempotencyKey) {
        return start(agentName, input, idempotencyKey, null);
    }

    /** {@link #start(String, JsonNode, String)} for the admin API: {@code audit} is written with the new task. */
    public StartedTask start(String agentName, JsonNode input, String idempotencyKey, AuditEntry audit) {
        Agent agent = agents.find(agentName).orElseThrow(() -> new UnknownAgentException(agentName,
                agents.all().stream().map(Agent::name).sorted().toList()));
        if (idempotencyKey != null && (idempotencyKey.isBlank()
                || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY_LENGTH)) {
            throw new InvalidStartException("the idempotency key must be 1-" + MAX_IDEMPOTENCY_KEY_LENGTH
                    + " characters and not blank");
        }
        JsonNode safeInput = input == null || input.isNull() ? JsonNodeFactory.instance.objectNode() : input;
        if (idempotencyKey != null) {
            Optional<Task> existing = tasks.findByIdempotencyKey(agent.name(), idempotencyKey);
            if (existing.isPresent()) {
                return new StartedTask(existing.get(), false); // answered even when the backlog is full
            }
        }
        backlog.admit(agent.name());
        Instant now = clock.instant();
        UUID id = UUID.randomUUID();
        Optional<Task> inserted = transactions.inTransaction(c -> {
            Optional<Task> made = tasks.insert(c, id, agent.name(), safeInput, agent.firstStep().name(),
                    idempotencyKey, now);
            if (made.isPresent()) {
                auditLog.write(c, audit, "started", now);
            }
            return made;
        });
        if (inserted.isEmpty()) {
            Task existing = tasks.findByIdempotencyKey(agent.name(), idempotencyKey).orElseThrow(() ->
                    new IllegalStateException("idempotency key conflict without a task for " + idempotencyKey));
            return new StartedTask(existing, false);
        }
        Task task = inserted.get();
        events.publish(Type.TASK_STARTED, task.id(), agent.name(), null, null);
        LOG.info("Task {} started for agent '{}'", task.id(), agent.name());
        ready.readyNow();
        return new StartedTask(task, true);
    }

    /**
     * An operator's retry of a FAILED task: RUNNABLE again at {@code fromStep}, or (when {@code null}) at the step it
     * failed in, with its context as the failure left it. The step gets a new sequence number, so a new idempotency
     * key: the retry is a new run of the step, not a repeat of the failed one.
     *
     * @throws UnknownStepException if the agent has no step {@code fromStep}, or this node does not run the agent
     * @throws BacklogFullException if the ready backlog is at its bound (nothing changed)
     */
    public RetryResult retry(UUID id, String fromStep, AuditEntry audit) {
        Optional<TaskDetails> found = find(id);
        if (found.isEmpty()) {
            return new RetryResult(RetryOutcome.NOT_FOUND, null);
        }
        Task task = found.get().task();
        if (task.state() != TaskState.FAILED) {
            return new RetryResult(RetryOutcome.NOT_FAILED, null);
        }
        Agent agent = agents.find(task.agent()).orElseThrow(() -> new UnknownStepException("agent '" + task.agent()
                + "' does not run on this node, so its steps are unknown here"));
        String failed = failedStep(found.get(), agent);
        String step = fromStep != null ? fromStep : failed;
        if (agent.step(step).isEmpty()) {
            throw new UnknownStepException("agent '" + agent.name() + "' has no step '" + step + "'; its steps are "
                    + agent.steps().stream().map(s -> s.name()).toList());
        }
        backlog.admit(agent.name());
        Instant now = clock.instant();
        boolean retried = transactions.inTransaction(c -> {
            if (!tasks.retryFailed(c, id, step, step.equals(failed), now)) {
                return false;
            }
            auditLog.write(c, audit, "retried from step " + step, now);
            return true;
        });
        if (!retried) {
            return new RetryResult(RetryOutcome.NOT_FAILED, null); // someone retried it first
        }
        LOG.info("Task {} retried from step '{}'", id, step);
        events.publish(Type.TASK_RETRIED, id, agent.name(), step, null);
        ready.readyNow();
        return new RetryResult(RetryOutcome.RETRIED, step);
    }

    /** The step a FAILED task failed in: its last checkpoint's step (or the first step, if it never checkpointed). */
    private static String failedStep(TaskDetails details, Agent agent) {
        List<StepRecord> steps = details.steps();
        return steps.isEmpty() ? agent.firstStep().name() : steps.get(steps.size() - 1).stepName();
    }

    public Optional<TaskDetails> find(UUID id) {
        return tasks.find(id).map(task -> new TaskDetails(task, tasks.steps(id)));
    }

    /**
     * Cancels a task in any non-terminal state. A step running right now finishes, but its checkpoint is rejected.
     */
    public CancelResult cancel(UUID id) {
        return cancel(id, null);
    }

    /** {@link #cancel(UUID)} for the admin API: {@code audit} is written with the cancellation. */
    public CancelResult cancel(UUID id, AuditEntry audit) {
        Instant now = clock.instant();
        boolean cancelled = transactions.inTransaction(c -> {
            waits.lockUnresolved(c, id); // waits before the task, the order deliveries lock them in: no deadlock
            if (!tasks.cancel(c, id, now)) {
                return false;
            }
            waits.cancelUnresolved(c, id, now); // their tokens answer 410 from now on
            outbox.record(c, EventType.TASK_CANCELLED, id, null, outbox.data(id), now);
            auditLog.write(c, audit, "cancelled", now);
            return true;
        });
        if (cancelled) {
            Task task = tasks.find(id).orElseThrow();
            LOG.info("Task {} cancelled", id);
            events.publish(Type.TASK_FINISHED, id, task.agent(), null, TaskState.CANCELLED.name());
            return CancelResult.CANCELLED;
        }
        return tasks.find(id).isPresent() ? CancelResult.ALREADY_FINISHED : CancelResult.NOT_FOUND;
    }
}
