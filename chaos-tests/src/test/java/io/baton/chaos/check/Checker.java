package io.baton.chaos.check;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.chaos.check.FinalState.Effect;
import io.baton.chaos.check.FinalState.Event;
import io.baton.chaos.check.FinalState.Received;
import io.baton.chaos.check.FinalState.StepRow;
import io.baton.chaos.check.FinalState.TaskRow;
import io.baton.chaos.check.FinalState.WaitRow;
import io.baton.chaos.check.Violation.Invariant;
import io.baton.chaos.history.Op;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The offline checker of a chaos run: the history of what clients were told, against the final database, the
 * side-effect ledger and the callback receiver's log. Each method checks one invariant and names every violation with
 * the task and what proves it. Pure: the same inputs always give the same verdict.
 */
public final class Checker {
    private static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
    /** Receipts that acknowledge a resume: the delivery was durably recorded. */
    private static final Set<String> ACKNOWLEDGED = Set.of("resumed", "buffered");

    private final List<Op> history;
    private final FinalState state;
    private final Map<String, TaskRow> tasks;
    private final Map<String, List<StepRow>> steps;
    private final Map<String, WaitRow> waitsById;
    private final List<Violation> violations = new ArrayList<>();

    private Checker(List<Op> history, FinalState state) {
        this.history = history;
        this.state = state;
        this.tasks = state.tasks().stream().collect(Collectors.toMap(TaskRow::id, t -> t, (a, b) -> a));
        this.steps = state.steps().stream().collect(Collectors.groupingBy(StepRow::taskId, TreeMap::new,
                Collectors.toList()));
        this.waitsById = state.waits().stream().collect(Collectors.toMap(WaitRow::id, w -> w, (a, b) -> a));
    }

    /** Every violation the run shows; empty when it proves the invariants. */
    public static List<Violation> check(List<Op> history, FinalState state) {
        Checker checker = new Checker(history, state);
        checker.acknowledgedResumesHappened();
        checker.startedTasksFinished();
        checker.effectsAppliedOnce();
        checker.stepsCheckpointedOnce();
        checker.checkpointsWithoutGaps();
        checker.effectsBelongToKnownSteps();
        checker.oneLiveAttemptAtATime();
        checker.callbacksStableAndSigned();
        checker.noPlaintextTokens();
        return List.copyOf(checker.violations);
    }

    private void violation(Invariant invariant, String task, String detail) {
        violations.add(new Violation(invariant, task, detail));
    }

    /** Completions of {@code f}, of the given type. */
    private List<Op> completions(String f, Op.Type type) {
        return history.stream().filter(op -> op.f().equals(f) && op.type() == type).toList();
    }

    /**
     * Invariant 1. An acknowledged resume, failure or event for a wait must have resolved that wait that way, and the
     * task must have gone on past it; no two different deliveries (payloads) to one wait may both be told "resumed" (a
     * repeat of one delivery is told "resumed" again, as a replay: that is correct).
     */
    private void acknowledgedResumesHappened() {
        Map<Integer, Op> invoked = new HashMap<>();
        history.stream().filter(op -> op.type() == Op.Type.INVOKE).forEach(op -> invoked.put(op.process(), op));
        Map<String, Set<String>> resumedPayloads = new TreeMap<>();
        for (String f : List.of("resume", "fail-wait", "event")) {
            for (Op ok : completions(f, Op.Type.OK)) {
                String status = ok.value() == null ? "" : ok.value().path("status").asText();
                if (!ACKNOWLEDGED.contains(status)) {
                    continue;
                }
                String waitId = ok.value().path("waitId").asText(null);
                WaitRow wait = waitId != null ? waitsById.get(waitId) : state.waits().stream()
                        .filter(w -> w.taskId().equals(ok.task())).findFirst().orElse(null);
                if (waitId == null && wait != null) {
                    waitId = wait.id();
                }
                if (wait == null) {
                    violation(Invariant.UNKNOWN_EFFECT, ok.task(), "a " + f + " was acknowledged (" + status
                            + ", history #" + ok.index() + ") for wait " + waitId + ", which the database does not have");
                    continue;
                }
                String expected = f.equals("fail-wait") ? "FAILED" : "RESUMED";
                if (!wait.state().equals(expected)) {
                    violation(Invariant.LOST_RESUME, wait.taskId(), "a " + f + " acknowledged as '" + status
                            + "' (history #" + ok.index() + ") but wait " + wait.id() + " ended " + wait.state());
                    continue;
                }
                boolean wentOn = steps.getOrDefault(wait.taskId(), List.of()).stream()
                        .anyMatch(s -> s.seq() > wait.seq());
                TaskRow task = tasks.get(wait.taskId());
                if (!wentOn && (task == null || !task.state().equals("FAILED"))) {
                    violation(Invariant.LOST_RESUME, wait.taskId(), "wait " + wait.id() + " was resumed (history #"
                            + ok.index() + ") but the task never ran a step after it");
                }
                if (status.equals("resumed")) {
                    Op asked = invoked.get(ok.process());
                    resumedPayloads.computeIfAbsent(wait.id(), k -> new java.util.TreeSet<>())
                            .add(f + " " + (asked == null || asked.value() == null ? "?" : asked.value().toString()));
                }
            }
        }
        resumedPayloads.forEach((waitId, payloads) -> {
            if (payloads.size() > 1) {
                violation(Invariant.LOST_RESUME, waitsById.get(waitId).taskId(), payloads.size() + " different "
                        + "deliveries to wait " + waitId + " were each told 'resumed': all but one were lost " + payloads);
            }
        });
    }

    /**
     * Invariant 2. A start the system acknowledged names a task that exists, and every task the database holds
     * (including those whose start answer was lost) has finished.
     */
    private void startedTasksFinished() {
        for (Op ok : completions("start", Op.Type.OK)) {
            if (!tasks.containsKey(ok.task())) {
                violation(Invariant.STUCK_TASK, ok.task(), "its start was acknowledged (history #" + ok.index()
                        + ") but the database has no such task");
            }
        }
        for (TaskRow task : tasks.values()) {
            if (!TERMINAL.contains(task.state())) {
                violation(Invariant.STUCK_TASK, task.id(), "still " + task.state() + " after the run");
            }
        }
    }

    /**
     * Invariant 3. Each step of a task applied its effect under one key (the chaos agents run every step once per
     * task: a second key for the same step means a step that had checkpointed ran again), and, for a ledger that
     * records every application (the chaos ledger dedups by key, as a real idempotent system does, so there this rule
     * is a guard), each key once.
     */
    private void effectsAppliedOnce() {
        Map<String, List<Effect>> byKey = state.effects().stream()
                .collect(Collectors.groupingBy(Effect::idempotencyKey, TreeMap::new, Collectors.toList()));
        byKey.forEach((key, applied) -> {
            if (applied.size() > 1) {
                violation(Invariant.DUPLICATED_EFFECT, applied.get(0).taskId(), "the effect of step '"
                        + applied.get(0).step() + "' (key " + key + ") applied " + applied.size() + " times, by "
                        + applied.stream().map(e -> "attempt " + e.attempt() + " on " + e.node()).toList());
            }
        });
        Map<String, Set<String>> keysPerStep = new TreeMap<>();
        for (Effect e : state.effects()) {
            keysPerStep.computeIfAbsent(e.taskId() + " " + e.step(), k -> new java.util.TreeSet<>())
                    .add(e.idempotencyKey());
        }
        keysPerStep.forEach((step, keys) -> {
            if (keys.size() > 1) {
                String[] parts = step.split(" ", 2);
                violation(Invariant.DUPLICATED_EFFECT, parts[0], "step '" + parts[1] + "' applied its effect under "
                        + keys.size() + " keys " + keys + ": it ran again after it had checkpointed");
            }
        });
    }

    /**
     * Invariant 3. Each step checkpoints once (the chaos agents run every step once per task): a step name twice in a
     * task's checkpoints means it ran again after it had checkpointed, or two attempts both checkpointed it.
     */
    private void stepsCheckpointedOnce() {
        steps.forEach((taskId, rows) -> rows.stream()
                .collect(Collectors.groupingBy(StepRow::step, TreeMap::new, Collectors.toList()))
                .forEach((step, same) -> {
                    if (same.size() > 1) {
                        violation(Invariant.DUPLICATED_EFFECT, taskId, "step '" + step + "' checkpointed "
                                + same.size() + " times: " + same.stream().map(r -> "#" + r.seq() + " by attempt "
                                + r.attempt() + " on " + r.node()).toList());
                    }
                }));
    }

    /** Invariant 4. A task's checkpoints are 1, 2, ..., n with n its step count. */
    private void checkpointsWithoutGaps() {
        for (TaskRow task : tasks.values()) {
            List<Integer> seqs = steps.getOrDefault(task.id(), List.of()).stream().map(StepRow::seq).sorted()
                    .toList();
            for (int i = 0; i < seqs.size(); i++) {
                if (seqs.get(i) != i + 1) {
                    violation(Invariant.CHECKPOINT_GAP, task.id(), "checkpoints " + seqs + ": expected " + (i + 1)
                            + " at position " + (i + 1));
                    break;
                }
            }
            if (seqs.size() != task.stepSeq()) {
                violation(Invariant.CHECKPOINT_GAP, task.id(), "the task counts " + task.stepSeq()
                        + " checkpoints but " + seqs.size() + " are stored");
            }
        }
    }

    /** Invariant 5. Every applied effect belongs to a task the system has, under a key of one of its steps. */
    private void effectsBelongToKnownSteps() {
        for (Effect effect : state.effects()) {
            TaskRow task = tasks.get(effect.taskId());
            if (task == null) {
                violation(Invariant.UNKNOWN_EFFECT, effect.taskId(), "an effect (key " + effect.idempotencyKey()
                        + ") for a task the database does not have");
                continue;
            }
            String prefix = task.id() + ":";
            int seq = effect.idempotencyKey().startsWith(prefix)
                    ? parse(effect.idempotencyKey().substring(prefix.length())) : -1;
            if (seq < 1 || seq > task.stepSeq() + 1) {
                violation(Invariant.UNKNOWN_EFFECT, task.id(), "an effect under key " + effect.idempotencyKey()
                        + ", which is not the key of any step of the task (it has " + task.stepSeq()
                        + " checkpoints)");
            }
        }
    }

    private static int parse(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Invariant 6. Checkpoints in sequence come from ever newer attempts: an older attempt committing after a newer one
     * means two attempts were live at once (the fence failed).
     */
    private void oneLiveAttemptAtATime() {
        steps.forEach((taskId, rows) -> {
            List<StepRow> ordered = rows.stream().sorted(Comparator.comparingInt(StepRow::seq)).toList();
            for (int i = 1; i < ordered.size(); i++) {
                StepRow before = ordered.get(i - 1);
                StepRow after = ordered.get(i);
                if (after.attempt() < before.attempt()) {
                    violation(Invariant.TWO_LIVE_ATTEMPTS, taskId, "checkpoint " + after.seq() + " ('" + after.step()
                            + "') was written by attempt " + after.attempt() + " on " + after.node()
                            + " after checkpoint " + before.seq() + " by the newer attempt " + before.attempt()
                            + " on " + before.node());
                }
            }
        });
    }

    /**
     * Invariant 7. Each event reaches the receiver under one webhook-id, always correctly signed; every event was
     * delivered (by the system's record: none left dead or never queued), and every event delivered was received.
     */
    private void callbacksStableAndSigned() {
        Map<String, Set<String>> idsPerEvent = new TreeMap<>();
        Set<String> receivedIds = new HashSet<>();
        for (Received r : state.callbacks()) {
            if (!r.signatureValid()) {
                violation(Invariant.BAD_CALLBACK, r.taskId(), "callback " + r.webhookId() + " (" + r.type()
                        + ") arrived without a valid signature");
            }
            idsPerEvent.computeIfAbsent(r.type() + " " + r.taskId() + " " + r.waitId(), k -> new HashSet<>())
                    .add(r.webhookId());
            receivedIds.add(r.webhookId());
        }
        idsPerEvent.forEach((event, ids) -> {
            if (ids.size() > 1) {
                violation(Invariant.BAD_CALLBACK, event.split(" ")[1], "one event (" + event.split(" ")[0]
                        + ") was delivered under " + ids.size() + " webhook-ids " + new java.util.TreeSet<>(ids));
            }
        });
        for (Event event : state.events()) {
            if (!"DELIVERED".equals(event.deliveryState())) {
                violation(Invariant.BAD_CALLBACK, event.taskId(), "event " + event.id() + " (" + event.type()
                        + ") was never delivered: " + (event.deliveryState() == null ? "no delivery was queued"
                        : "its delivery ended " + event.deliveryState()));
            } else if (!receivedIds.contains(event.id())) {
                violation(Invariant.BAD_CALLBACK, event.taskId(), "event " + event.id() + " (" + event.type()
                        + ") is recorded as delivered, but the receiver never got it");
            }
        }
    }

    /** Invariant 8. No resume token a client was given appears in the database in plain text. */
    private void noPlaintextTokens() {
        Set<String> tokens = new HashSet<>();
        for (Op op : history) {
            if (op.key() != null && op.key().startsWith("bt_")) {
                tokens.add(op.key());
            }
            JsonNode value = op.value();
            if (value != null && value.path("token").isTextual()) {
                tokens.add(value.path("token").asText());
            }
        }
        for (String token : tokens) {
            if (state.databaseDump().contains(token)) {
                violation(Invariant.PLAINTEXT_TOKEN, null, "a resume token (" + token.substring(0, 6)
                        + "...) is stored in plain text");
            }
        }
    }
}
