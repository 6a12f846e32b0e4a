package io.baton.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.chaos.check.FinalState;
import io.baton.chaos.check.Violation;
import io.baton.chaos.history.Op;
import io.baton.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The report of a chaos run, as JSON ({@code report.json}) and markdown ({@code report.md}, also printed): the seed and
 * how to replay it, the faults injected and the windows they hit, what the clients did and were told, what the checker
 * found, and how long the cluster took to recover from each kind of fault.
 */
final class RunReport {
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final ObjectNode report = json.createObjectNode();

    RunReport(ChaosSettings settings, List<Fault.Injection> injections, List<Op> history, FinalState state,
              List<Violation> violations, TestDatabase db, Duration elapsed, List<String> problems) {
        report.put("seed", settings.seed());
        report.put("scenario", settings.profile());
        report.put("replay", settings.replayCommand());
        report.put("nodes", settings.nodes());
        report.put("durationSeconds", elapsed.toSeconds());
        report.put("startsPerSecond", settings.rate());
        faults(injections, db);
        clients(history, state);
        ObjectNode checks = report.putObject("checks");
        checks.put("violations", violations.size());
        checks.put("lostResumes", count(violations, Violation.Invariant.LOST_RESUME));
        checks.put("duplicatedEffects", count(violations, Violation.Invariant.DUPLICATED_EFFECT));
        checks.put("stuckTasks", count(violations, Violation.Invariant.STUCK_TASK));
        checks.put("fencedWrites", (Long) db.queryValue("SELECT count(*) FROM baton_fenced_checkpoint"));
        ObjectNode byInvariant = checks.putObject("byInvariant");
        for (Violation.Invariant invariant : Violation.Invariant.values()) {
            byInvariant.put(invariant.name(), count(violations, invariant));
        }
        ArrayNode list = checks.putArray("details");
        violations.stream().limit(50).forEach(v -> list.add(v.toString()));
        ArrayNode failures = report.putArray("problems");
        problems.forEach(failures::add);
        windows(history, db);
        callbacks(state);
        report.put("passed", violations.isEmpty() && problems.isEmpty());
    }

    private static long count(List<Violation> violations, Violation.Invariant invariant) {
        return violations.stream().filter(v -> v.invariant() == invariant).count();
    }

    private void faults(List<Fault.Injection> injections, TestDatabase db) {
        ObjectNode faults = report.putObject("faults");
        Map<Fault, List<Fault.Injection>> byType = new EnumMap<>(Fault.class);
        injections.forEach(i -> byType.computeIfAbsent(i.fault(), k -> new ArrayList<>()).add(i));
        byType.forEach((fault, list) -> {
            ObjectNode entry = faults.putObject(fault.label());
            entry.put("injected", list.size());
            entry.put("hit", list.stream().filter(Fault.Injection::hit).count());
            ObjectNode windows = entry.putObject("windows");
            list.forEach(i -> windows.put(i.window(), windows.path(i.window()).asInt() + 1));
            List<Long> recovery = new ArrayList<>();
            for (Fault.Injection i : list) {
                for (UUID task : i.running()) {
                    Object next = db.queryValue("SELECT min(finished_at) FROM baton_step WHERE task_id = ? "
                            + "AND finished_at > ?", task, java.sql.Timestamp.from(i.at()));
                    if (next instanceof java.sql.Timestamp t) {
                        recovery.add(Duration.between(i.at(), t.toInstant()).toMillis());
                    }
                }
            }
            if (!recovery.isEmpty()) {
                Collections.sort(recovery);
                ObjectNode r = entry.putObject("recoveryMillis");
                r.put("tasks", recovery.size());
                r.put("p50", recovery.get((recovery.size() - 1) / 2));
                r.put("p95", recovery.get((int) Math.ceil(recovery.size() * 0.95) - 1));
                r.put("max", recovery.get(recovery.size() - 1));
            }
        });
        report.put("faultsInjected", injections.size());
    }

    private void clients(List<Op> history, FinalState state) {
        ObjectNode tasks = report.putObject("tasks");
        tasks.put("started", history.stream().filter(o -> o.f().equals("start") && o.type() == Op.Type.OK)
                .map(Op::task).distinct().count());
        tasks.put("inDatabase", state.tasks().size());
        Map<String, Long> byState = new TreeMap<>();
        state.tasks().forEach(t -> byState.merge(t.state(), 1L, Long::sum));
        ObjectNode states = tasks.putObject("byState");
        byState.forEach(states::put);
        ObjectNode resumes = report.putObject("resumes");
        Map<String, FinalState.WaitRow> waits = new HashMap<>();
        state.waits().forEach(w -> waits.put(w.taskId(), w));
        long acknowledged = 0;
        long indeterminate = 0;
        Set<String> ackedTasks = new java.util.HashSet<>();
        Set<String> unknownTasks = new java.util.HashSet<>();
        for (Op op : history) {
            if (!Set.of("resume", "fail-wait", "event").contains(op.f())) {
                continue;
            }
            if (op.type() == Op.Type.OK) {
                acknowledged++;
                ackedTasks.add(op.task());
            } else if (op.type() == Op.Type.INFO) {
                indeterminate++;
                unknownTasks.add(op.task());
            }
        }
        unknownTasks.removeAll(ackedTasks);
        long recovered = unknownTasks.stream().filter(t -> waits.containsKey(t)
                && Set.of("RESUMED", "FAILED").contains(waits.get(t).state())).count();
        resumes.put("acknowledged", acknowledged);
        resumes.put("indeterminate", indeterminate);
        resumes.put("tasksWithOnlyIndeterminateAnswers", unknownTasks.size());
        resumes.put("recoveredOfThose", recovered);
        resumes.put("refused", history.stream().filter(o -> o.type() == Op.Type.FAIL
                && Set.of("resume", "fail-wait", "event").contains(o.f())).count());
    }

    /** The "sometimes" counters: dangerous windows the run actually hit. */
    private void windows(List<Op> history, TestDatabase db) {
        ObjectNode windows = report.putObject("windowsHit");
        windows.put("stepReRunAfterItsEffectBeforeItsCheckpoint", (Long) db.queryValue("""
                SELECT count(DISTINCT r.idempotency_key) FROM chaos_run r
                  JOIN chaos_effect e ON e.idempotency_key = r.idempotency_key WHERE r.at > e.at"""));
        windows.put("zombieCheckpointsFenced", (Long) db.queryValue("SELECT count(*) FROM baton_fenced_checkpoint"));
        windows.put("tasksFinishedByAnotherNode", (Long) db.queryValue("""
                SELECT count(*) FROM (SELECT task_id FROM baton_step GROUP BY task_id HAVING count(DISTINCT node) > 1)
                  t"""));
        windows.put("earlyEventsBuffered", history.stream().filter(o -> o.f().equals("event")
                && o.type() == Op.Type.OK && o.value() != null && o.value().path("status").asText().equals("buffered"))
                .count());
        windows.put("repeatedDeliveriesAnsweredAsReplays", history.stream().filter(o -> o.type() == Op.Type.OK
                && o.value() != null && o.value().path("replayed").asBoolean()).count());
        windows.put("indeterminateClientOperations", history.stream().filter(o -> o.type() == Op.Type.INFO).count());
    }

    private void callbacks(FinalState state) {
        ObjectNode callbacks = report.putObject("callbacks");
        callbacks.put("events", state.events().size());
        callbacks.put("delivered", state.events().stream().filter(e -> "DELIVERED".equals(e.deliveryState())).count());
        callbacks.put("received", state.callbacks().size());
        callbacks.put("distinctWebhookIds", state.callbacks().stream().map(FinalState.Received::webhookId).distinct()
                .count());
        callbacks.put("redelivered", state.callbacks().size() - state.callbacks().stream()
                .map(FinalState.Received::webhookId).distinct().count());
    }

    boolean passed() {
        return report.path("passed").asBoolean();
    }

    JsonNode json() {
        return report;
    }

    /** The report as markdown. */
    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Chaos run ").append(passed() ? "PASSED" : "FAILED").append("\n\n");
        md.append("- Seed: `").append(report.path("seed").asText()).append("`, scenario `")
                .append(report.path("scenario").asText()).append("`, ").append(report.path("nodes").asInt())
                .append(" nodes, ").append(report.path("durationSeconds").asLong()).append(" s, ")
                .append(report.path("startsPerSecond").asDouble()).append(" starts/s\n");
        md.append("- Replay: `").append(report.path("replay").asText()).append("`\n\n");
        md.append("## Faults (").append(report.path("faultsInjected").asInt()).append(" injected)\n\n");
        md.append("| Fault | Injected | Hit | Windows | Recovery p50 / p95 / max (ms) |\n| --- | --- | --- | --- | --- |\n");
        report.path("faults").fields().forEachRemaining(f -> {
            JsonNode r = f.getValue().path("recoveryMillis");
            md.append("| ").append(f.getKey()).append(" | ").append(f.getValue().path("injected").asInt())
                    .append(" | ").append(f.getValue().path("hit").asInt()).append(" | ")
                    .append(f.getValue().path("windows").toString().replace("|", "/")).append(" | ")
                    .append(r.isMissingNode() ? "-" : r.path("p50").asLong() + " / " + r.path("p95").asLong() + " / "
                            + r.path("max").asLong() + " (" + r.path("tasks").asInt() + " tasks)")
                    .append(" |\n");
        });
        md.append("\n## Clients and tasks\n\n");
        md.append("- Tasks: ").append(report.path("tasks").toString()).append("\n");
        md.append("- Resumes and events: ").append(report.path("resumes").toString()).append("\n");
        md.append("- Windows hit: ").append(report.path("windowsHit").toString()).append("\n");
        md.append("- Callbacks: ").append(report.path("callbacks").toString()).append("\n\n");
        md.append("## Checks\n\n");
        JsonNode checks = report.path("checks");
        md.append("- Violations: ").append(checks.path("violations").asInt()).append(" (lost resumes ")
                .append(checks.path("lostResumes").asInt()).append(", duplicated effects ")
                .append(checks.path("duplicatedEffects").asInt()).append(", stuck tasks ")
                .append(checks.path("stuckTasks").asInt()).append("); fenced writes ")
                .append(checks.path("fencedWrites").asLong()).append("\n");
        checks.path("details").forEach(d -> md.append("  - ").append(d.asText()).append("\n"));
        report.path("problems").forEach(p -> md.append("- Problem: ").append(p.asText()).append("\n"));
        return md.toString();
    }

    void write(Path dir) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.json"), json.writeValueAsString(report));
        Files.writeString(dir.resolve("report.md"), markdown());
    }
}
