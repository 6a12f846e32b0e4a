package io.baton.wait;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.audit.AuditEntry;
import io.baton.audit.AuditLog;
import io.baton.persistence.Transactions;
import io.baton.task.ReadySignal;
import io.baton.task.TaskRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An operator's hand on a wait: resume it with a payload, fail it with a reason, or set its deadline. Each is one
 * transaction that locks the wait as deliveries do, goes through the one {@link WaitResolver}, and writes its audit
 * entry with the change. A wait that is not OPEN (its step still runs, or it already ended) is left as it is.
 */
public final class WaitOverrides {
    private static final Logger LOG = LoggerFactory.getLogger(WaitOverrides.class);

    private final Transactions transactions;
    private final WaitRepository waits;
    private final TaskRepository tasks;
    private final WaitResolver resolver;
    private final ReadySignal ready;
    private final AuditLog audit;
    private final Clock clock;
    private final ObjectMapper json;

    WaitOverrides(Transactions transactions, WaitRepository waits, TaskRepository tasks, WaitResolver resolver,
                  ReadySignal ready, AuditLog audit, Clock clock, ObjectMapper json) {
        this.transactions = transactions;
        this.waits = waits;
        this.tasks = tasks;
        this.resolver = resolver;
        this.ready = ready;
        this.audit = audit;
        this.clock = clock;
        this.json = json;
    }

    public enum Outcome {
        /** Done: resumed, failed or moved. */
        DONE,
        /** The wait is not OPEN (see {@link Result#before()}'s state); nothing changed. */
        NOT_OPEN,
        NOT_FOUND
    }

    /**
     * @param before the wait as it was before the change ({@code null} if not found)
     * @param taskFailed a resolution failed the task (the wait had no step for it)
     * @param deadline   the wait's new deadline, when it was moved
     */
    public record Result(Outcome outcome, WaitRecord before, boolean taskFailed, Instant deadline) {
        Result(Outcome outcome, WaitRecord before, boolean taskFailed) {
            this(outcome, before, taskFailed, null);
        }
    }

    /** A wait locked as deliveries lock it: the OPEN wait, or the answer for one that is missing or not open. */
    private record Locked(WaitRecord open, Result refusal) {
    }

    private Locked lockOpen(java.sql.Connection c, UUID waitId) throws java.sql.SQLException {
        Optional<WaitRecord> found = waits.byIdForUpdate(c, waitId);
        if (found.isEmpty()) {
            return new Locked(null, new Result(Outcome.NOT_FOUND, null, false));
        }
        if (found.get().state() != WaitState.OPEN) {
            return new Locked(null, new Result(Outcome.NOT_OPEN, found.get(), false));
        }
        return new Locked(found.get(), null);
    }

    /** Resumes the wait with {@code payload}, as a delivery to its token would (its signature is not asked for). */
    public Result resume(UUID waitId, JsonNode payload, AuditEntry entry) {
        JsonNode body = payload == null ? json.nullNode() : payload;
        return resolve(waitId, WaitState.RESUMED, body, Delivery.payloadHash(json, body), entry);
    }

    /** Fails the wait with {@code reason}: the task goes to the wait's failure step, or fails. */
    public Result fail(UUID waitId, String reason, AuditEntry entry) {
        ObjectNode payload = json.createObjectNode().put("reason", reason);
        return resolve(waitId, WaitState.FAILED, payload, Delivery.payloadHash(json, payload), entry);
    }

    private Result resolve(UUID waitId, WaitState outcome, JsonNode payload, String hash, AuditEntry entry) {
        Instant now = clock.instant();
        Result result = transactions.inTransaction(c -> {
            Locked locked = lockOpen(c, waitId);
            if (locked.refusal() != null) {
                return locked.refusal();
            }
            WaitRecord wait = locked.open();
            WaitResolver.Effect effect = resolver.resolve(c, wait, outcome, payload, hash, now);
            if (effect == WaitResolver.Effect.NONE) {
                return new Result(Outcome.NOT_OPEN, wait, false);
            }
            audit.write(c, entry, effect == WaitResolver.Effect.TASK_FAILED ? "task failed" : "task runnable", now);
            return new Result(Outcome.DONE, wait, effect == WaitResolver.Effect.TASK_FAILED);
        });
        if (result.outcome() == Outcome.DONE) {
            WaitRecord wait = result.before();
            LOG.info("Task {} wait {} {} by hand", wait.taskId(), wait.id(),
                    outcome == WaitState.RESUMED ? "resumed" : "failed");
            resolver.published(outcome, wait.taskId(), wait.id(), result.taskFailed()
                    ? WaitResolver.Effect.TASK_FAILED : WaitResolver.Effect.TASK_RUNNABLE);
            ready.readyNow();
        }
        return result;
    }

    /**
     * Sets an open wait's deadline to {@code at} (later or earlier), or moves it {@code by} on from where it is; its
     * maximum for heartbeats grows with it. Exactly one of {@code at} and {@code by} is given.
     *
     * @throws IllegalArgumentException if the new deadline would not be in the future
     */
    public Result setDeadline(UUID waitId, Instant at, java.time.Duration by, AuditEntry entry) {
        if ((at == null) == (by == null)) {
            throw new IllegalArgumentException("give either a deadline or a duration to extend by");
        }
        Instant now = clock.instant();
        Result result = transactions.inTransaction(c -> {
            Locked locked = lockOpen(c, waitId);
            if (locked.refusal() != null) {
                return locked.refusal();
            }
            WaitRecord wait = locked.open();
            Instant deadline = at != null ? at : wait.deadline().plus(by);
            if (!deadline.isAfter(now)) {
                throw new IllegalArgumentException("the new deadline " + deadline + " is not in the future");
            }
            if (!waits.setDeadline(c, waitId, deadline)) {
                return new Result(Outcome.NOT_OPEN, wait, false);
            }
            tasks.extendWaiting(c, wait.taskId(), deadline, now);
            audit.write(c, entry, "deadline " + deadline, now);
            return new Result(Outcome.DONE, wait, false, deadline);
        });
        if (result.outcome() == Outcome.DONE) {
            LOG.info("Task {} wait {} deadline set to {} by hand", result.before().taskId(), waitId,
                    result.deadline());
            ready.readyAt(result.deadline());
        }
        return result;
    }
}
