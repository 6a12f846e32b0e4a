package io.baton.execution;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.callback.EventType;
import io.baton.callback.Outbox;
import io.baton.event.EngineEvent.Type;
import io.baton.task.TaskState;
import java.sql.Connection;
import java.sql.SQLException;
import io.baton.event.EngineEvents;
import io.baton.persistence.Transactions;
import io.baton.task.Checkpoint;
import io.baton.task.StepRun;
import io.baton.task.Task;
import io.baton.task.TaskRepository;
import io.baton.wait.WaitRepository;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a step's checkpoint (not a wait's: {@link io.baton.wait.WaitService#enter} writes that one with its wait):
 * one transaction with the task row, the step row and the revocation of a link the step minted but did not wait on,
 * fenced by the run's attempt. Then tells the listeners: step completed, task finished, or fenced out.
 */
final class Checkpoints {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);

    private final Transactions transactions;
    private final TaskRepository tasks;
    private final WaitRepository waits;
    private final EngineEvents events;
    private final FaultInjector faults;
    private final Clock clock;
    private final Outbox outbox;

    Checkpoints(Transactions transactions, TaskRepository tasks, WaitRepository waits, EngineEvents events,
                FaultInjector faults, Outbox outbox, Clock clock) {
        this.outbox = outbox;
        this.transactions = transactions;
        this.tasks = tasks;
        this.waits = waits;
        this.events = events;
        this.faults = faults;
        this.clock = clock;
    }

    /**
     * Writes {@code checkpoint} of {@code task}; the task as saved, or empty when the attempt was fenced out.
     *
     * @param mayLeaveLink the step may have minted a resume link (this try, or a try or run of the step before this
     *                     claim): revoke it with the checkpoint. Otherwise the checkpoint is a single statement.
     */
    Optional<Task> write(Task task, Checkpoint checkpoint, boolean mayLeaveLink) {
        StepRun run = checkpoint.run();
        boolean terminal = checkpoint.newState().isTerminal();
        Optional<Integer> seq = !mayLeaveLink && !terminal ? tasks.checkpoint(checkpoint)
                : transactions.inTransaction(c -> {
                    if (mayLeaveLink) {
                        waits.lockUnresolved(c, run.taskId()); // waits before the task, as cancel locks: no deadlock
                    }
                    Optional<Integer> written = tasks.checkpoint(c, checkpoint);
                    if (written.isPresent() && mayLeaveLink) {
                        waits.cancelPending(c, run.taskId(), checkpoint.at());
                    }
                    if (written.isPresent() && terminal) {
                        announceFinished(c, checkpoint);
                    }
                    return written;
                });
        if (seq.isEmpty()) {
            fenced(task, run.stepName());
            return Optional.empty();
        }
        completed(task, run.stepName(), checkpoint.outcome());
        if (checkpoint.newState().isTerminal()) {
            LOG.info("Task {} {} after step '{}'", task.id(), checkpoint.newState(), run.stepName());
            events.publish(Type.TASK_FINISHED, task.id(), task.agent(), run.stepName(), checkpoint.newState().name());
        }
        return Optional.of(checkpoint.applyTo(task, seq.get()));
    }

    /** {@code task.succeeded} or {@code task.failed}, in the transaction of the checkpoint that finished the task. */
    private void announceFinished(Connection c, Checkpoint checkpoint) throws SQLException {
        StepRun run = checkpoint.run();
        ObjectNode data = outbox.data(run.taskId());
        data.put("step", run.stepName());
        boolean succeeded = checkpoint.newState() == TaskState.SUCCEEDED;
        data.set(succeeded ? "result" : "error", succeeded ? checkpoint.result() : checkpoint.error());
        outbox.record(c, succeeded ? EventType.TASK_SUCCEEDED : EventType.TASK_FAILED, run.taskId(), null, data,
                checkpoint.at());
    }

    /** After a checkpoint was written (here or with a wait): the event, then the fault point behind it. */
    void completed(Task task, String step, String outcome) {
        events.publish(Type.STEP_COMPLETED, task.id(), task.agent(), step, outcome);
        faults.reached(FaultPoint.AFTER_CHECKPOINT, task.id(), step);
    }

    /** The attempt was superseded (the task was cancelled, or taken over): the result is dropped, and counted. */
    void fenced(Task task, String step) {
        LOG.warn("Task {} step '{}': checkpoint of attempt {} rejected; the task was cancelled or taken over",
                task.id(), step, task.attempt());
        tasks.recordFenced(task.id(), step, task.attempt(), task.owner(), clock.instant());
        events.publish(Type.STEP_FENCED, task.id(), task.agent(), step, "attempt " + task.attempt());
    }
}
