package io.baton.chaos;

import io.baton.execution.HaltingFaultInjector;
import io.baton.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Injects the faults of a chaos run, one at a time, each chosen and timed by the run's seed, and heals each before the
 * next. Prints every injection as it happens ({@code CHAOS ... injected: ...}) and keeps a record of what it did, where,
 * and whether the run shows it took effect.
 */
final class Nemesis {
    /** Longer than failure detection (check-in 1 s + grace 1 s) plus the reconciler's staleness bound (3 s). */
    static final Duration PAST_DETECTION = Duration.ofSeconds(7);

    private final ChaosCluster cluster;
    private final CrashablePostgres postgres;
    private final TestDatabase db;
    private final CallbackReceiver receiver;
    private final Workload workload;
    private final String callbackId;
    private final Random random;
    private final Consumer<String> log;
    private final List<Fault.Injection> injections = new ArrayList<>();
    private final NetworkFaults network;
    private int armed;

    Nemesis(ChaosCluster cluster, CrashablePostgres postgres, TestDatabase db, CallbackReceiver receiver,
            Workload workload, String callbackId, long seed, Consumer<String> log) {
        this.cluster = cluster;
        this.postgres = postgres;
        this.db = db;
        this.receiver = receiver;
        this.workload = workload;
        this.callbackId = callbackId;
        this.random = new Random(seed ^ 0x5DEECE66DL);
        this.log = log;
        this.network = new NetworkFaults(cluster, workload, random);
    }

    List<Fault.Injection> injections() {
        return List.copyOf(injections);
    }

    /** A random fault of {@code among}. */
    Fault pick(List<Fault> among) {
        return among.get(random.nextInt(among.size()));
    }

    /** A pause between faults: 1-4 s. */
    Duration interval() {
        return Duration.ofMillis(1000 + random.nextInt(3000));
    }

    /** Injects {@code fault}, waits for its effect, heals it. */
    void inject(Fault fault) throws Exception {
        Instant at = Instant.now();
        Fault.Injection done = switch (fault) {
            case KILL -> kill(at);
            case HALT_BEFORE_STEP_BODY -> halt(fault, "before-step-body", at);
            case HALT_AFTER_STEP_BODY -> halt(fault, "after-step-body", at);
            case HALT_AFTER_CHECKPOINT -> halt(fault, "after-checkpoint", at);
            case PAUSE_PAST_DETECTION -> pause(fault, PAST_DETECTION, at);
            case PAUSE_BRIEF -> pause(fault, Duration.ofMillis(500), at);
            case KILL_DURING_WEBHOOK -> killDuringWebhook(at);
            case DB_CRASH -> crashDatabase(at);
            case TERMINATE_SESSIONS -> terminateSessions(at);
            case NET_CUT -> {
                String node = busyNode();
                yield network.cut(node, running(node), at);
            }
            case NET_DELAY -> {
                String node = busyNode();
                yield network.delay(node, running(node), at);
            }
            case NET_BLACKHOLE -> {
                String node = busyNode();
                yield network.blackhole(node, running(node), at);
            }
            case NET_CUT_AFTER_COMMIT -> network.cutAfterCommit(liveNode(), at);
            case KILL_ALL -> killAll(at);
            case POISON_STEP -> poison(at);
            case RECEIVER_FAILS -> receiver(fault, CallbackReceiver.Mode.FAIL, at);
            case RECEIVER_HANGS -> receiver(fault, CallbackReceiver.Mode.HANG, at);
            case RECEIVER_GONE -> receiverGone(at);
            case CLOCK_SKEW -> clockSkew(at);
        };
        injections.add(done);
        log.accept("CHAOS " + done.at() + " " + fault.label() + " on " + done.target() + ": " + (done.hit() ? "hit"
                : "NOT HIT") + " (" + done.window() + ")");
    }

    private String liveNode() {
        List<String> live = cluster.nodeIds().stream().filter(n -> !n.startsWith("armed-") && cluster.isAlive(n))
                .toList();
        return live.get(random.nextInt(live.size()));
    }

    /**
     * A live node running a step right now: a long step is started first (through a random node, which claims it
     * itself) so that one is caught running; any live node if none shows up within 15 s.
     */
    private String busyNode() throws Exception {
        workload.startChainsOn(liveNode(), 1, 4000);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            Object owner = db.queryValue("""
                    SELECT t.owner FROM baton_task t JOIN chaos_run r ON r.task_id = t.id AND r.step = 'work'
                     WHERE t.state = 'RUNNING' AND t.next_step = 'work' AND (t.input ->> 'workMillis')::int >= 4000
                       AND r.at > clock_timestamp() - interval '2 seconds'
                     LIMIT 1""");
            if (owner instanceof String node && !node.startsWith("armed-") && cluster.nodeIds().contains(node)
                    && cluster.isAlive(node)) {
                return node;
            }
            sleep(50);
        }
        return liveNode();
    }

    private Fault.Injection kill(Instant at) throws Exception {
        String node = busyNode();
        List<UUID> running = running(node);
        cluster.kill(node, "(fault kill; " + running.size() + " task(s) running there)");
        sleep(1000 + random.nextInt(2000));
        cluster.restart(node);
        return new Fault.Injection(Fault.KILL, node, at, Instant.now(), true, running.isEmpty() ? "idle"
                : "mid-step", running);
    }

    /** An extra node armed at a fault point joins; it halts itself the first time it reaches the point. */
    private Fault.Injection halt(Fault fault, String point, Instant at) throws Exception {
        String node = "armed-" + (++armed);
        cluster.record("starting " + node + " armed with BATON_FAULT_POINT=" + point);
        cluster.launch(node, "BATON_FAULT_POINT", point, "BATON_SLICE_MAX_STEPS", "1");
        List<String> others = cluster.nodeIds().stream().filter(n -> !n.startsWith("armed-") && cluster.isAlive(n))
                .toList();
        try {
            cluster.awaitReady(node);
            // the others in standby for the moment (the operators' drain), so the armed node is the one that claims
            for (String other : others) {
                admin("/admin/api/nodes/" + other + "/standby", "{}");
            }
            sleep(1500); // each node reads its standby flag every second
            workload.startChainsOn(node, 3); // started there, claimed there: the node reaches its point
        } catch (AssertionError e) {
            // it exited while starting: it may have claimed due work and halted at its point already
        }
        boolean halted = false;
        Instant haltedAt = at;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!cluster.isAlive(node)) {
                halted = cluster.node(node).awaitExit(Duration.ofSeconds(5)) == HaltingFaultInjector.EXIT_CODE;
                haltedAt = Instant.now();
                break;
            }
            sleep(100);
        }
        String line = cluster.node(node).stdout().lines().filter(l -> l.contains("FAULT INJECTED")).findFirst()
                .orElse("");
        List<UUID> running = new ArrayList<>();
        int task = line.indexOf(" of task ");
        if (task > 0) {
            running.add(UUID.fromString(line.substring(task + " of task ".length()).trim()));
        }
        if (!halted && cluster.isAlive(node)) {
            cluster.kill(node, "(it never reached " + point + ")");
        }
        for (String other : others) {
            admin("/admin/api/nodes/" + other + "/activate", "{}");
        }
        // measured from the halt (not from the armed node's start), within 100 ms
        return new Fault.Injection(fault, node, haltedAt, Instant.now(), halted, halted ? point
                : "never reached " + point, running);
    }

    private Fault.Injection pause(Fault fault, Duration length, Instant at) throws Exception {
        String node = busyNode();
        List<UUID> running = running(node);
        long fencedBefore = count("SELECT count(*) FROM baton_fenced_checkpoint");
        cluster.pause(node, "for " + length.toMillis() + " ms; " + running.size() + " task(s) running there");
        sleep(length.toMillis());
        cluster.resume(node, "after " + length.toMillis() + " ms");
        if (fault == Fault.PAUSE_BRIEF) {
            return new Fault.Injection(fault, node, at, Instant.now(), true, "below detection", running);
        }
        sleep(3000); // the zombie's attempts come back and meet the fence
        long fenced = count("SELECT count(*) FROM baton_fenced_checkpoint") - fencedBefore;
        long takenOver = running.isEmpty() ? 0 : count("SELECT count(*) FROM baton_step WHERE finished_at > ? "
                + "AND node <> ? AND task_id = ANY(?)", at, node, running);
        boolean hit = fenced > 0 || takenOver > 0;
        return new Fault.Injection(fault, node, at, Instant.now(), hit, fenced > 0 ? "zombie checkpoint fenced ("
                + fenced + ")" : takenOver > 0 ? "work taken over while it slept" : "nothing was running there",
                running);
    }

    private Fault.Injection killDuringWebhook(Instant at) throws Exception {
        String node = liveNode();
        long delay = random.nextInt(40);
        boolean answered = workload.resumeAcrossKill(node, delay, () -> {
            try {
                cluster.kill(node, "while it handles a resume webhook (" + delay + " ms after sending it)");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        sleep(1000);
        cluster.restart(node);
        return new Fault.Injection(Fault.KILL_DURING_WEBHOOK, node, at, Instant.now(), true, answered
                ? "after its answer" : "before its answer", List.of());
    }

    private Fault.Injection crashDatabase(Instant at) throws Exception {
        List<UUID> running = runningAll();
        long pid = postgres.crash();
        cluster.record("SIGKILL PostgreSQL postmaster (pid " + pid + "), " + running.size() + " task(s) running");
        sleep(1000 + random.nextInt(2000));
        postgres.startAgain();
        cluster.record("PostgreSQL restarted on the same data directory");
        return new Fault.Injection(Fault.DB_CRASH, "postgres", at, Instant.now(), true, running.isEmpty() ? "idle"
                : "mid-step", running);
    }

    private Fault.Injection terminateSessions(Instant at) throws Exception {
        List<UUID> running = runningAll();
        long terminated = count("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                + "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend')"
                + " t");
        cluster.record("pg_terminate_backend of " + terminated + " session(s)");
        return new Fault.Injection(Fault.TERMINATE_SESSIONS, "postgres", at, Instant.now(), terminated > 0,
                terminated + " session(s)", running);
    }

    private Fault.Injection killAll(Instant at) throws Exception {
        List<UUID> running = runningAll();
        List<String> nodes = cluster.nodeIds().stream().filter(n -> !n.startsWith("armed-") && cluster.isAlive(n))
                .toList();
        for (String node : nodes) {
            cluster.kill(node, "(fault kill-all)");
        }
        sleep(1000);
        for (String node : nodes) {
            cluster.launch(node);
        }
        for (String node : nodes) {
            cluster.awaitReady(node);
        }
        return new Fault.Injection(Fault.KILL_ALL, "cluster", at, Instant.now(), true, nodes.size() + " nodes",
                running);
    }

    private Fault.Injection poison(Instant at) {
        cluster.record("starting a task with a poison step");
        workload.poison();
        return new Fault.Injection(Fault.POISON_STEP, "workload", at, Instant.now(), true, "checked at the end",
                List.of());
    }

    private Fault.Injection receiver(Fault fault, CallbackReceiver.Mode mode, Instant at) {
        int before = receiver.requests();
        cluster.record("callback receiver " + mode + " for at least 4 s");
        receiver.mode(mode, 4000);
        workload.startChainsOn(liveNode(), 3, 50); // events to send while it misbehaves
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        sleep(4000);
        while (receiver.requests() == before && System.nanoTime() < deadline) {
            sleep(200);
        }
        receiver.mode(CallbackReceiver.Mode.OK, 0);
        int seen = receiver.requests() - before;
        return new Fault.Injection(fault, "receiver", at, Instant.now(), seen > 0, seen + " request(s) refused",
                List.of());
    }

    private Fault.Injection receiverGone(Instant at) throws Exception {
        cluster.record("callback receiver answers 410 Gone");
        receiver.mode(CallbackReceiver.Mode.GONE, 0);
        workload.startChainsOn(liveNode(), 3, 50); // events to send while it is gone
        boolean disabled = false;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline && !disabled) {
            sleep(200);
            disabled = count("SELECT count(*) FROM baton_callback WHERE id = ?::uuid AND NOT enabled",
                    callbackId) == 1;
        }
        receiver.mode(CallbackReceiver.Mode.OK, 0);
        sleep(5000); // 410 answers still in flight settle (and disable) before the operator re-enables
        for (int i = 0; i < 5; i++) {
            admin("/admin/api/callbacks/" + callbackId + "/enable", "{}");
            sleep(2000);
            if (count("SELECT count(*) FROM baton_callback WHERE id = ?::uuid AND enabled", callbackId) == 1) {
                break;
            }
        }
        admin("/admin/api/callbacks/" + callbackId + "/replay-failed", "{\"since\": \"" + at.minusSeconds(60) + "\"}");
        cluster.record("endpoint re-enabled and its failed deliveries replayed");
        return new Fault.Injection(Fault.RECEIVER_GONE, "receiver", at, Instant.now(), disabled,
                disabled ? "endpoint disabled by the 410" : "no callback was sent while it answered 410", List.of());
    }

    /**
     * A node restarted under libfaketime with its clock ahead or behind: the others see its check-ins as stale (or it
     * sees theirs so), so work is recovered from nodes that are still running it; the fence must hold. Proven hit by
     * the node's own check-in times, as PostgreSQL's clock compares them.
     */
    private Fault.Injection clockSkew(Instant at) throws Exception {
        java.util.Optional<Path> library = FakeTime.library();
        if (library.isEmpty()) {
            String why = "skipped: faketime is not installed (apt-get install faketime)";
            cluster.record("clock skew " + why);
            return new Fault.Injection(Fault.CLOCK_SKEW, "-", at, Instant.now(), false, why, List.of());
        }
        String node = liveNode();
        long skew = (random.nextBoolean() ? 1 : -1) * (3 + random.nextInt(8));
        cluster.kill(node, "to restart it with its clock " + Math.abs(skew) + " s " + (skew > 0 ? "ahead" : "behind"));
        cluster.launch(node, FakeTime.environment(library.get(), skew));
        cluster.awaitReady(node);
        workload.startChainsOn(node, 3, 50);
        long observed = 0;
        long until = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        while (System.nanoTime() < until) {
            long offset = count("""
                    SELECT coalesce(max(last_checkin_time - (extract(epoch FROM clock_timestamp()) * 1000)::bigint), 0)
                      FROM qrtz_scheduler_state WHERE instance_name = ?""", node);
            observed = Math.abs(offset) > Math.abs(observed) ? offset : observed;
            sleep(250);
        }
        cluster.kill(node, "to end its clock skew");
        cluster.restart(node);
        boolean hit = Math.abs(observed) >= Math.abs(skew) * 1000 - 1500;
        return new Fault.Injection(Fault.CLOCK_SKEW, node, at, Instant.now(), hit, hit ? "check-ins " + observed
                + " ms off" : "its check-ins were never seen " + skew + " s off (at most " + observed + " ms)",
                List.of());
    }

    private void admin(String path, String body) throws Exception {
        HttpResponse<String> answer = cluster.admin(path, body);
        if (answer.statusCode() / 100 != 2) {
            throw new IllegalStateException(path + " answered " + answer.statusCode() + ": " + answer.body());
        }
    }

    private List<UUID> running(String node) throws Exception {
        return ids("SELECT id FROM baton_task WHERE state = 'RUNNING' AND owner = ?", node);
    }

    private List<UUID> runningAll() throws Exception {
        return ids("SELECT id FROM baton_task WHERE state = 'RUNNING'");
    }

    private List<UUID> ids(String sql, Object... parameters) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(c, ps, parameters);
            List<UUID> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
            return ids;
        }
    }

    private long count(String sql, Object... parameters) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
                bind(c, ps, parameters);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            } catch (java.sql.SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                sleep(500); // the database may be coming back from a crash
            }
        }
    }

    private static void bind(Connection c, PreparedStatement ps, Object... parameters) throws java.sql.SQLException {
        for (int i = 0; i < parameters.length; i++) {
            Object p = parameters[i];
            if (p instanceof Instant instant) {
                ps.setTimestamp(i + 1, java.sql.Timestamp.from(instant));
            } else if (p instanceof List<?> list) {
                ps.setArray(i + 1, c.createArrayOf("uuid", list.toArray()));
            } else {
                ps.setObject(i + 1, p);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
