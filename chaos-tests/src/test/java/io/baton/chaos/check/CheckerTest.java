package io.baton.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.chaos.check.FinalState.Effect;
import io.baton.chaos.check.FinalState.Event;
import io.baton.chaos.check.FinalState.Received;
import io.baton.chaos.check.FinalState.StepRow;
import io.baton.chaos.check.FinalState.TaskRow;
import io.baton.chaos.check.FinalState.WaitRow;
import io.baton.chaos.check.Violation.Invariant;
import io.baton.chaos.history.History;
import io.baton.chaos.history.Op;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checker is itself checked: a clean run passes, and each kind of broken run (a lost resume, a duplicated effect,
 * a step checkpointed twice, a gap in checkpoints, two live attempts, a duplicated, unsigned or undelivered callback, a
 * stuck task, a plaintext token) is caught and named.
 */
class CheckerTest {
    private static final String TASK = "11111111-1111-1111-1111-111111111111";
    private static final String WAIT = "22222222-2222-2222-2222-222222222222";
    private static final String TOKEN = "bt_" + "A".repeat(49);
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    /** A task started, its wait resumed by one client and told 'duplicate' to another, then finished. */
    private List<Op> history() throws Exception {
        try (History history = History.to(dir.resolve("history.jsonl"), json)) {
            int client = history.process();
            History.Invocation start = history.invoke(client, "start", null, null,
                    json.createObjectNode().put("agent", "chaos-approval"));
            start.ok(TASK, json.createObjectNode().put("id", TASK));
            int a = history.process();
            int b = history.process();
            ObjectNode payload = json.createObjectNode().put("approved", true);
            History.Invocation first = history.invoke(a, "resume", TASK, TOKEN, payload);
            History.Invocation second = history.invoke(b, "resume", TASK, TOKEN, payload);
            first.ok(receipt("resumed"));
            second.ok(receipt("duplicate"));
            History.Invocation lost = history.invoke(a, "resume", TASK, TOKEN, payload);
            lost.info("connection reset");
        }
        return History.read(dir.resolve("history.jsonl"), json);
    }

    private ObjectNode receipt(String status) {
        ObjectNode receipt = json.createObjectNode().put("status", status).put("waitId", WAIT);
        receipt.putArray("tasks").add(TASK);
        return receipt;
    }

    private record State(List<TaskRow> tasks, List<StepRow> steps, List<WaitRow> waits, List<Effect> effects,
                         List<Received> callbacks, List<Event> events, StringBuilder dump) {
        FinalState build() {
            return new FinalState(tasks, steps, waits, effects, callbacks, events, dump.toString());
        }
    }

    /** The state the history above should leave: every invariant holds. */
    private State clean() {
        State s = new State(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                new ArrayList<>(), new ArrayList<>(), new StringBuilder("baton_task|" + TASK + "|SUCCEEDED"));
        s.tasks().add(new TaskRow(TASK, "SUCCEEDED", 2));
        s.steps().add(new StepRow(TASK, 1, "ask", "AWAIT", 1, "node-a"));
        s.steps().add(new StepRow(TASK, 2, "act", "COMPLETE", 3, "node-b")); // node-a died: attempt 2 and 3 elsewhere
        s.waits().add(new WaitRow(WAIT, TASK, 1, "RESUMED", json.createObjectNode().put("approved", true)));
        s.effects().add(new Effect(TASK + ":2", TASK, "act", 3, "node-b"));
        s.callbacks().add(new Received("evt-1", "task.waiting", TASK, WAIT, true));
        s.callbacks().add(new Received("evt-1", "task.waiting", TASK, WAIT, true)); // at least once: same id twice
        s.callbacks().add(new Received("evt-2", "task.succeeded", TASK, null, true));
        s.events().add(new Event("evt-1", "task.waiting", TASK, WAIT, "DELIVERED"));
        s.events().add(new Event("evt-2", "task.succeeded", TASK, null, "DELIVERED"));
        return s;
    }

    private List<Violation> check(State s) throws Exception {
        return Checker.check(history(), s.build());
    }

    private static List<Invariant> invariants(List<Violation> violations) {
        return violations.stream().map(Violation::invariant).distinct().toList();
    }

    @Test
    void aRunThatKeepsEveryInvariantPasses() throws Exception {
        assertThat(check(clean())).isEmpty();
    }

    @Test
    void theHistoryIsWrittenAsJsonLinesAndReadBackTheSame() throws Exception {
        List<Op> ops = history();
        assertThat(ops).hasSize(8);
        assertThat(ops).extracting(Op::type).containsExactly(Op.Type.INVOKE, Op.Type.OK, Op.Type.INVOKE,
                Op.Type.INVOKE, Op.Type.OK, Op.Type.OK, Op.Type.INVOKE, Op.Type.INFO);
        assertThat(ops.get(1).task()).isEqualTo(TASK);
        assertThat(ops.get(4).value().path("status").asText()).isEqualTo("resumed");
        assertThat(ops.get(7).value().path("error").asText()).isEqualTo("connection reset");
    }

    @Test
    void anAcknowledgedResumeWhoseWaitTimedOutIsALostResume() throws Exception {
        State s = clean();
        s.waits().set(0, new WaitRow(WAIT, TASK, 1, "TIMED_OUT", null));

        List<Violation> found = check(s);

        assertThat(invariants(found)).containsExactly(Invariant.LOST_RESUME);
        assertThat(found.get(0).detail()).contains("acknowledged as 'resumed'", "ended TIMED_OUT");
        assertThat(found.get(0).toString()).startsWith("invariant 1 (no acknowledged resume is lost) broken for task "
                + TASK);
    }

    @Test
    void aResumedWaitAfterWhichTheTaskNeverRanAStepIsALostResume() throws Exception {
        State s = clean();
        s.tasks().set(0, new TaskRow(TASK, "CANCELLED", 1));
        s.steps().remove(1);
        s.effects().clear();

        assertThat(invariants(check(s))).containsExactly(Invariant.LOST_RESUME);
    }

    @Test
    void aSideEffectAppliedTwiceIsCaught() throws Exception {
        State s = clean();
        s.effects().add(new Effect(TASK + ":2", TASK, "act", 2, "node-a"));

        List<Violation> found = check(s);

        assertThat(invariants(found)).containsExactly(Invariant.DUPLICATED_EFFECT);
        assertThat(found.get(0).detail()).contains("applied 2 times", "attempt 2 on node-a", "attempt 3 on node-b");
    }

    @Test
    void aStepThatRanAgainUnderANewKeyAfterItsCheckpointIsADuplicatedEffect() throws Exception {
        State s = clean();
        s.tasks().set(0, new TaskRow(TASK, "SUCCEEDED", 3));
        s.steps().add(new StepRow(TASK, 3, "act", "COMPLETE", 3, "node-b"));
        s.effects().add(new Effect(TASK + ":3", TASK, "act", 3, "node-b"));

        List<Violation> found = check(s);

        assertThat(invariants(found)).containsExactly(Invariant.DUPLICATED_EFFECT);
        assertThat(found.get(0).detail()).contains("under 2 keys");
    }

    @Test
    void aStepCheckpointedTwiceIsCaughtEvenWhenItsEffectWasDeduplicated() throws Exception {
        State s = clean();
        s.tasks().set(0, new TaskRow(TASK, "SUCCEEDED", 3));
        s.steps().add(new StepRow(TASK, 3, "act", "COMPLETE", 4, "node-c")); // a newer attempt, the same step again

        List<Violation> found = check(s);

        assertThat(invariants(found)).containsExactly(Invariant.DUPLICATED_EFFECT);
        assertThat(found.get(0).detail()).contains("step 'act' checkpointed 2 times", "#3 by attempt 4 on node-c");
    }

    @Test
    void anEventWhoseDeliveryDiedOrWasNeverQueuedIsALostCallback() throws Exception {
        State s = clean();
        s.callbacks().remove(2);
        s.events().set(1, new Event("evt-2", "task.succeeded", TASK, null, "DEAD"));
        s.events().add(new Event("evt-3", "task.failed", TASK, null, null));

        List<Violation> found = check(s);

        assertThat(invariants(found)).containsExactly(Invariant.BAD_CALLBACK);
        assertThat(found).extracting(Violation::detail).containsExactly(
                "event evt-2 (task.succeeded) was never delivered: its delivery ended DEAD",
                "event evt-3 (task.failed) was never delivered: no delivery was queued");
    }

    @Test
    void aGapInTheCheckpointsIsCaught() throws Exception {
        State s = clean();
        s.tasks().set(0, new TaskRow(TASK, "SUCCEEDED", 3));
        s.steps().set(1, new StepRow(TASK, 3, "act", "COMPLETE", 3, "node-b"));

        assertThat(invariants(check(s))).contains(Invariant.CHECKPOINT_GAP);
    }

    @Test
    void anOlderAttemptCheckpointingAfterANewerOneIsTwoLiveAttempts() throws Exception {
        State s = clean();
        s.steps().set(0, new StepRow(TASK, 1, "ask", "AWAIT", 4, "node-b"));

        List<Violation> found = check(s);

        assertThat(invariants(found)).containsExactly(Invariant.TWO_LIVE_ATTEMPTS);
        assertThat(found.get(0).detail()).contains("attempt 3 on node-b after checkpoint 1 by the newer attempt 4");
    }

    @Test
    void oneEventUnderTwoWebhookIdsIsADuplicatedCallback() throws Exception {
        State s = clean();
        s.callbacks().add(new Received("evt-9", "task.succeeded", TASK, null, true));

        List<Violation> found = check(s);

        assertThat(invariants(found)).containsExactly(Invariant.BAD_CALLBACK);
        assertThat(found.get(0).detail()).contains("2 webhook-ids [evt-2, evt-9]");
    }

    @Test
    void anUnsignedCallbackIsCaught() throws Exception {
        State s = clean();
        s.callbacks().set(2, new Received("evt-2", "task.succeeded", TASK, null, false));

        assertThat(check(s)).singleElement().satisfies(v -> {
            assertThat(v.invariant()).isEqualTo(Invariant.BAD_CALLBACK);
            assertThat(v.detail()).contains("without a valid signature");
        });
    }

    @Test
    void anEventRecordedAsDeliveredThatNeverArrivedIsCaught() throws Exception {
        State s = clean();
        s.callbacks().remove(2);

        assertThat(invariants(check(s))).containsExactly(Invariant.BAD_CALLBACK);
    }

    @Test
    void aStartedTaskThatDidNotFinishIsStuck() throws Exception {
        State s = clean();
        s.tasks().set(0, new TaskRow(TASK, "RUNNABLE", 2));

        assertThat(invariants(check(s))).containsExactly(Invariant.STUCK_TASK);
    }

    @Test
    void anEffectForATaskTheDatabaseDoesNotHaveIsCaught() throws Exception {
        State s = clean();
        s.effects().add(new Effect("33333333-3333-3333-3333-333333333333:1", "33333333-3333-3333-3333-333333333333",
                "act", 1, "node-a"));

        assertThat(invariants(check(s))).containsExactly(Invariant.UNKNOWN_EFFECT);
    }

    @Test
    void aTokenStoredInPlainTextIsCaught() throws Exception {
        State s = clean();
        s.dump().append("\nbaton_wait|").append(TOKEN);

        assertThat(invariants(check(s))).containsExactly(Invariant.PLAINTEXT_TOKEN);
    }

    @Test
    void aRepeatOfOneDeliveryToldResumedAgainIsARightReplay() throws Exception {
        List<Op> ops = new ArrayList<>(history());
        Op duplicate = ops.get(5);
        ops.set(5, new Op(duplicate.index(), duplicate.process(), Op.Type.OK, "resume", TASK, TOKEN,
                receipt("resumed"), duplicate.nanos()));

        assertThat(Checker.check(ops, clean().build())).isEmpty();
    }

    @Test
    void twoDifferentDeliveriesBothToldResumedMeanOneWasLost() throws Exception {
        List<Op> ops = new ArrayList<>(history());
        Op secondAsk = ops.get(3);
        ops.set(3, new Op(secondAsk.index(), secondAsk.process(), Op.Type.INVOKE, "resume", TASK, TOKEN,
                json.createObjectNode().put("approved", false), secondAsk.nanos()));
        Op duplicate = ops.get(5);
        ops.set(5, new Op(duplicate.index(), duplicate.process(), Op.Type.OK, "resume", TASK, TOKEN,
                receipt("resumed"), duplicate.nanos()));

        List<Violation> found = Checker.check(ops, clean().build());

        assertThat(invariants(found)).containsExactly(Invariant.LOST_RESUME);
        assertThat(found.get(0).detail()).contains("2 different deliveries to wait " + WAIT
                + " were each told 'resumed'");
    }
}
