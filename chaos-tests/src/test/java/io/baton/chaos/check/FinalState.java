package io.baton.chaos.check;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Everything the checker looks at besides the history, read once the run has ended: the tasks, their checkpoints and
 * waits as the database holds them, the side-effect ledger the chaos agents write, what the callback receiver got,
 * and a dump of the database (to look for plaintext tokens).
 */
public record FinalState(List<TaskRow> tasks, List<StepRow> steps, List<WaitRow> waits, List<Effect> effects,
                         List<Received> callbacks, List<Event> events, String databaseDump) {

    /** A task: its state and how many checkpoints it counts. */
    public record TaskRow(String id, String state, int stepSeq) {
    }

    /** One checkpoint: which attempt of the task wrote it, on which node. */
    public record StepRow(String taskId, int seq, String step, String outcome, long attempt, String node) {
    }

    /** A wait and how it ended, with the payload that resolved it. */
    public record WaitRow(String id, String taskId, int seq, String state, JsonNode payload) {
    }

    /**
     * One application of a side effect, as the ledger recorded it (append-only: a second application of one key is a
     * second row).
     *
     * @param idempotencyKey the step's key ({@code <task>:<seq>})
     */
    public record Effect(String idempotencyKey, String taskId, String step, long attempt, String node) {
    }

    /** One callback request the receiver got, and whether its Standard Webhooks signature verified. */
    public record Received(String webhookId, String type, String taskId, String waitId, boolean signatureValid) {
    }

    /** An outbound event the system committed, and its delivery state to the receiver's endpoint. */
    public record Event(String id, String type, String taskId, String waitId, String deliveryState) {
    }
}
