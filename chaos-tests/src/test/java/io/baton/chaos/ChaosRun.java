package io.baton.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.chaos.check.Checker;
import io.baton.chaos.check.FinalState;
import io.baton.chaos.check.Violation;
import io.baton.chaos.history.History;
import io.baton.chaos.history.Op;
import io.baton.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * One chaos run, start to verdict: a PostgreSQL of its own (durable, crashable), N node processes, a callback
 * receiver, the workload's clients recording a history, the nemesis injecting faults; then everything is healed, the
 * run settles, and the checker judges the history against the final state. The report says what was done and found.
 */
final class ChaosRun {
    /** How long the cluster gets, after the last fault, to finish every task and deliver every callback. */
    static final Duration SETTLE = Duration.ofMinutes(3);

    private final ChaosSettings settings;
    private final Path work;
    private final Consumer<String> log;

    ChaosRun(ChaosSettings settings, Path work, Consumer<String> log) {
        this.settings = settings;
        this.work = work;
        this.log = log;
    }

    RunReport run() throws Exception {
        log.accept("CHAOS run seed " + settings.seed() + " (" + settings.profile() + "); replay with: "
                + settings.replayCommand());
        Instant started = Instant.now();
        clean(work); // a replay of the same seed starts from nothing
        try (CrashablePostgres postgres = CrashablePostgres.start(work.resolve("pg"));
             CallbackReceiver receiver = new CallbackReceiver()) {
            TestDatabase db = postgres.createDatabase("chaos");
            try (ChaosCluster cluster = new ChaosCluster(db, work.resolve("nodes"));
                 History history = History.to(work.resolve("history.jsonl"), new ObjectMapper())) {
                List<String> nodes = new ArrayList<>();
                for (int i = 1; i <= settings.nodes(); i++) {
                    nodes.add("node-" + i);
                }
                for (String node : nodes) {
                    List<String> env = new ArrayList<>(List.of("BATON_CALLBACK_RETRY_SCHEDULE",
                            "1s,1s,2s,2s,5s,5s,10s,10s,10s", "BATON_CALLBACK_TIMEOUT", "2s"));
                    env.addAll(settings.nodeEnvironment());
                    cluster.launch(node, env.toArray(String[]::new));
                }
                nodes.forEach(cluster::awaitReady);
                String callbackId = register(cluster, receiver);
                Workload workload = new Workload(cluster, history, settings.seed());
                Nemesis nemesis = new Nemesis(cluster, postgres, db, receiver, workload, callbackId, settings.seed(),
                        log);
                workload.run(settings.rate());
                try {
                    faults(nemesis);
                } finally {
                    workload.stopStarting();
                    log.accept("CHAOS faults done; settling (clients finish, tasks end, callbacks arrive)");
                    workload.close();
                }
                replayDeadDeliveries(cluster, callbackId, started, db);
                settle(db);
                List<Op> ops = history.ops();
                FinalState state = new FinalStateReader().read(db, callbackId, receiver::log);
                List<Violation> violations = Checker.check(ops, state);
                List<String> problems = problems(nemesis.injections(), db);
                RunReport report = new RunReport(settings, nemesis.injections(), ops, state, violations, db,
                        Duration.between(started, Instant.now()), problems);
                report.write(work.resolve("report"));
                log.accept(report.markdown());
                log.accept("CHAOS report written to " + work.resolve("report").toAbsolutePath());
                return report;
            }
        }
    }

    private void faults(Nemesis nemesis) throws Exception {
        sleep(Duration.ofSeconds(5)); // some work in flight first
        if (settings.profile().equals("short")) {
            List<Fault> order = new ArrayList<>(settings.faults());
            Collections.shuffle(order, new Random(settings.seed()));
            for (Fault fault : order) {
                nemesis.inject(fault);
                sleep(nemesis.interval());
            }
            return;
        }
        Instant end = Instant.now().plus(settings.duration());
        int injected = 0;
        while (Instant.now().isBefore(end) || injected < settings.minFaults()) {
            nemesis.inject(nemesis.pick(settings.faults()));
            injected++;
            log.accept("CHAOS progress: " + injected + " fault(s)" + (settings.minFaults() > 0 ? " of at least "
                    + settings.minFaults() : "") + ", " + Math.max(0, Duration.between(Instant.now(), end).toSeconds())
                    + " s of " + settings.duration().toMinutes() + " min left");
            sleep(nemesis.interval());
        }
    }

    /** Waits until every task has ended and every callback delivery has settled, or {@link #SETTLE} has passed. */
    private void settle(TestDatabase db) {
        long start = System.nanoTime();
        long deadline = start + SETTLE.toNanos();
        String last = "the database did not answer";
        while (System.nanoTime() < deadline) {
            try {
                long open = (Long) db.queryValue("SELECT count(*) FROM baton_task WHERE state NOT IN "
                        + "('SUCCEEDED', 'FAILED', 'CANCELLED')");
                long pending = (Long) db.queryValue("SELECT count(*) FROM baton_callback_delivery WHERE state = "
                        + "'PENDING'");
                if (open == 0 && pending == 0) {
                    log.accept("CHAOS settled in " + Duration.ofNanos(System.nanoTime() - start).toSeconds() + " s");
                    return;
                }
                last = open + " task(s) unfinished, " + pending + " callback delivery(ies) pending: "
                        + db.queryValue("SELECT string_agg(state || ' ' || attempts || ' due ' || due_at || ' '"
                        + " || coalesce(last_error, ''), '; ') FROM (SELECT * FROM baton_callback_delivery"
                        + " WHERE state = 'PENDING' LIMIT 3) d");
            } catch (RuntimeException e) {
                // the database may still be restarting
            }
            sleep(Duration.ofSeconds(1));
        }
        log.accept("CHAOS the run did not settle within " + SETTLE.toSeconds() + " s after the last fault: " + last);
    }

    /** What makes a run fail besides the invariants: a fault that never took effect, a poison task that looped. */
    private static List<String> problems(List<Fault.Injection> injections, TestDatabase db) {
        List<String> problems = new ArrayList<>();
        for (Fault.Injection i : injections) {
            if (!i.hit() && !i.window().startsWith("skipped")) {
                problems.add("fault " + i.fault().label() + " on " + i.target() + " at " + i.at()
                        + " never took effect: " + i.window());
            }
        }
        if (injections.stream().anyMatch(i -> i.fault() == Fault.POISON_STEP)) {
            long bad = (Long) db.queryValue("""
                    SELECT count(*) FROM baton_task t WHERE t.agent = 'chaos-poison'
                       AND (t.state <> 'FAILED' OR (SELECT count(*) FROM baton_step s WHERE s.task_id = t.id) <> 1)""");
            long poisoned = (Long) db.queryValue("SELECT count(*) FROM baton_task WHERE agent = 'chaos-poison'");
            if (poisoned == 0 || bad > 0) {
                problems.add("poison step: " + poisoned + " task(s), " + bad + " did not fail cleanly with one checkpoint");
            }
        }
        if ((Long) db.queryValue("SELECT count(*) FROM baton_task") == 0) {
            problems.add("no task was started");
        }
        return problems;
    }

    /**
     * What an operator does after an outage: replay every delivery that ran out of attempts during the faults (a
     * delivery may die by design: the receiver failed past its retry schedule). Then every event must arrive.
     */
    private void replayDeadDeliveries(ChaosCluster cluster, String callbackId, Instant since, TestDatabase db)
            throws Exception {
        long dead = (Long) db.queryValue("SELECT count(*) FROM baton_callback_delivery WHERE state = 'DEAD'");
        if (dead == 0) {
            return;
        }
        HttpResponse<String> answer = cluster.admin("/admin/api/callbacks/" + callbackId + "/replay-failed",
                "{\"since\": \"" + since.minus(Duration.ofHours(1)) + "\"}");
        log.accept("CHAOS " + dead + " callback delivery(ies) had run out of attempts; the operator's replay answered "
                + answer.statusCode() + ": " + answer.body());
    }

    private static String register(ChaosCluster cluster, CallbackReceiver receiver) throws Exception {
        HttpResponse<String> answer = cluster.admin("/admin/api/callbacks", "{\"url\": \"" + receiver.url()
                + "\", \"eventTypes\": [\"*\"]}");
        if (answer.statusCode() != 201) {
            throw new IllegalStateException("registering the receiver failed: " + answer.body());
        }
        JsonNode endpoint = new ObjectMapper().readTree(answer.body());
        receiver.secret(endpoint.path("secret").asText());
        return endpoint.path("id").asText();
    }

    private static void clean(Path dir) throws java.io.IOException {
        if (!java.nio.file.Files.exists(dir)) {
            return;
        }
        try (var paths = java.nio.file.Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
