package io.baton.bench;

import io.baton.config.BatonConfig;
import io.baton.persistence.Database;
import io.baton.testing.TestDatabase;
import io.baton.wait.TokenKey;
import io.baton.wait.TokenKeys;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Measures the engine on two real node processes and puts each figure next to a reference measured in the same run
 * on the same database: a plain JDBC commit loop, raw clustered Quartz, the HTTP stack's own ceiling. Prints every
 * row as it goes and returns the report. Speed is never asserted here.
 */
final class BenchmarkSuite {
    private static final String A = "bench-a";
    private static final String B = "bench-b";
    private static final Duration LONG = Duration.ofMinutes(60);
    /** How often progress is polled: rarely enough that polling costs the database nothing worth measuring. */
    private static final long POLL_MILLIS = 200;

    private final TestDatabase db;
    private final Path work;
    private final Sizes sizes;
    private final Report report;
    private final TokenKey tokens;

    BenchmarkSuite(TestDatabase db, Path work, Sizes sizes, Map<String, String> setup) {
        this.db = db;
        this.work = work;
        this.sizes = sizes;
        this.report = new Report(setup);
        this.tokens = TokenKeys.resolve(BatonConfig.load(Map.of("BATON_TOKEN_KEY", BenchCluster.TOKEN_KEY,
                "BATON_DB_URL", db.url()))).orElseThrow();
    }

    Report run() throws Exception {
        try (Database schema = Database.connect(db.url(), db.user(), db.password(), 4, "bench-schema")) {
            schema.migrate(); // the references run before any node, on Baton's tables
        }
        double commitLoop = CommitLoop.commitsPerSecond(db, sizes.workers() * 2,
                Duration.ofSeconds(sizes.referenceSeconds()));
        double quartz = RawQuartz.jobsPerSecond(db, sizes.workers(), sizes.clients(), sizes.tasks());
        try (BenchCluster cluster = new BenchCluster(db, work, sizes.workers())) {
            cluster.start(A);
            cluster.start(B);
            throughput(cluster, quartz, commitLoop);
            List<UUID> opened = openWaits(cluster, sizes.waits() + warmup(), "Opening waits (engine, "
                    + (sizes.waits() + warmup()) + ")");
            Histogram small = resumes(cluster, opened);
            latencyRow("Resume latency, " + sizes.rate() + "/s offered, " + String.format("%,d", sizes.waits())
                    + " open waits", small, "-", "p50 <= 15 ms, p99 <= 60 ms", small.getValueAtPercentile(50) <= 15_000
                    && small.getValueAtPercentile(99) <= 60_000);
            if (sizes.runs("ingress")) {
                ingress(cluster, opened.get(0));
            }
            if (sizes.runs("callbacks")) {
                callbacks(cluster);
            }
            if (sizes.runs("large")) {
                large(cluster, small, maxHeap(cluster), sizes.waits());
            }
            if (sizes.runs("failover")) {
                failover(cluster, false);
                failover(cluster, true);
            }
        }
        return report;
    }

    /** The large scale: many waiting tasks, a resume latency among them, and what they cost in heap. */
    private void large(BenchCluster cluster, Histogram small, double smallHeap, int smallWaits) throws Exception {
        bulkWaits(sizes.bigWaits());
        List<UUID> among = openWaits(cluster, sizes.waits() + warmup(), "Opening waits among "
                + String.format("%,d", sizes.bigWaits()) + " waiting tasks");
        Histogram big = resumes(cluster, among);
        double bigHeap = maxHeap(cluster);
        double ratio = (double) big.getValueAtPercentile(99) / Math.max(1, small.getValueAtPercentile(99));
        latencyRow("Resume latency, " + sizes.rate() + "/s offered, " + String.format("%,d", sizes.bigWaits())
                        + " waiting tasks", big, "p99 at the small scale: " + ms(small.getValueAtPercentile(99)),
                String.format("p99 <= 2x the small scale (%.2fx)", ratio), ratio <= 2.0);
        report.add("Heap after GC (largest node), " + String.format("%,d", sizes.bigWaits()) + " waiting tasks",
                String.format("%.1f MiB", bigHeap), bigHeap,
                String.format("%.1f MiB at %,d open waits, measured the same way before", smallHeap, smallWaits),
                verdict(String.format("within 10 %% (%+.1f %%)", (bigHeap / smallHeap - 1) * 100),
                        bigHeap <= smallHeap * 1.1));
    }

    // ------------------------------------------------------------------ throughput

    private void throughput(BenchCluster cluster, double quartz, double commitLoop) throws Exception {
        double perSecond = startAll(cluster, "bench-3step", sizes.tasks(), "{}");
        report.add("3-step tasks started and finished per second", String.format("%,.0f /s", perSecond), perSecond,
                String.format("raw clustered Quartz, no-op jobs: %,.0f /s", quartz),
                verdict(String.format(">= 2x Quartz (%.1fx)", perSecond / quartz), perSecond >= 2 * quartz));
        double tasksPerSecond = startAll(cluster, "bench-chain", sizes.chainTasks(),
                "{\"steps\": " + sizes.chainSteps() + "}");
        double steps = tasksPerSecond * sizes.chainSteps();
        report.add("Chained steps per second (" + sizes.chainTasks() + " tasks x " + sizes.chainSteps() + ")",
                String.format("%,.0f /s", steps), steps,
                String.format("JDBC one-row commit loop, %d clients: %,.0f /s", sizes.workers() * 2, commitLoop),
                verdict(String.format(">= 1,000 and >= 30 %% of the loop (%.0f %%)", steps / commitLoop * 100),
                        steps >= 1000 && steps >= 0.3 * commitLoop));
    }

    /** Starts {@code count} tasks from {@code clients} threads over both nodes; tasks started and finished per second. */
    private double startAll(BenchCluster cluster, String agent, int count, String input) throws Exception {
        String body = "{\"agent\": \"" + agent + "\", \"input\": " + input + "}";
        long before = count("SELECT count(*) FROM baton_task WHERE agent = ? AND state = 'SUCCEEDED'", agent);
        long started = System.nanoTime();
        parallel(sizes.clients(), count, i -> cluster.start(i % 2 == 0 ? A : B, body));
        awaitCount("SELECT count(*) FROM baton_task WHERE agent = ? AND state = 'SUCCEEDED'", agent, before + count);
        return count / ((System.nanoTime() - started) / 1e9);
    }

    // ------------------------------------------------------------------ waits and resumes

    /** Opens {@code count} waits through the engine; their tasks, once all wait. */
    private List<UUID> openWaits(BenchCluster cluster, int count, String figure) throws Exception {
        long before = count("SELECT count(*) FROM baton_task WHERE agent = ? AND state = 'WAITING' AND owner <> 'bulk'",
                "bench-wait");
        List<UUID> ids = java.util.Collections.synchronizedList(new ArrayList<>());
        long started = System.nanoTime();
        parallel(sizes.clients(), count, i -> ids.add(cluster.start(i % 2 == 0 ? A : B,
                "{\"agent\": \"bench-wait\"}")));
        awaitCount("SELECT count(*) FROM baton_task WHERE agent = ? AND state = 'WAITING' AND owner <> 'bulk'",
                "bench-wait", before + count);
        double perSecond = count / ((System.nanoTime() - started) / 1e9);
        report.add(figure, String.format("%,.0f waits/s", perSecond), perSecond, "-",
                verdict(">= 500 waits/s", perSecond >= 500));
        return new ArrayList<>(ids);
    }

    /**
     * Offers resumes at the fixed rate, open loop: the i-th is due at {@code t0 + i / rate} and is sent then by a free
     * sender whatever happened to the others, and its latency counts from that due time (so a stall is not hidden:
     * coordinated omission). Latency: due time to the start of the step after the wait, as the node recorded it.
     */
    private Histogram resumes(BenchCluster cluster, List<UUID> waiting) throws Exception {
        int warm = Math.min(warmup(), waiting.size() / 2);
        offer(cluster, waiting.subList(0, warm));
        return offer(cluster, waiting.subList(warm, waiting.size()));
    }

    /**
     * Resumes offered before the measured ones, at the same rate and not recorded: they bring the nodes' code paths and
     * their database sessions (prepared statements, catalog caches) to the steady state a running server is in.
     */
    private int warmup() {
        return sizes.rate() * 2;
    }

    private Histogram offer(BenchCluster cluster, List<UUID> waiting) throws Exception {
        int count = Math.min(waiting.size(), sizes.rate() * sizes.resumeSeconds());
        Instant t0 = Instant.now().plusMillis(200);
        long intervalNanos = 1_000_000_000L / sizes.rate();
        Map<UUID, Instant> due = new HashMap<>();
        ExecutorService senders = Executors.newFixedThreadPool(32);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            long t0Nanos = System.nanoTime() + 200_000_000L;
            for (int i = 0; i < count; i++) {
                UUID task = waiting.get(i);
                due.put(task, t0.plusNanos(i * intervalNanos));
                LockSupport.parkNanos(t0Nanos + i * intervalNanos - System.nanoTime());
                String node = i % 2 == 0 ? A : B;
                String token = tokens.tokenFor(task, 1).value();
                answers.add(senders.submit(() -> cluster.post(node, "/hooks/" + token, "{\"ok\": true}")));
            }
            for (Future<Integer> answer : answers) {
                int status = answer.get(5, TimeUnit.MINUTES);
                if (status != 200) {
                    throw new IllegalStateException("a resume was answered " + status);
                }
            }
        } finally {
            senders.shutdownNow();
        }
        awaitSql("SELECT count(*) FROM baton_step WHERE step_name = 'resumed' AND task_id = ANY(?)",
                due.keySet().toArray(new UUID[0]), count);
        Histogram latency = new Histogram(3);
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT task_id, started_at FROM baton_step WHERE step_name = 'resumed' AND task_id = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("uuid", due.keySet().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Instant dueAt = due.get(rs.getObject(1, UUID.class));
                    long micros = Duration.between(dueAt, rs.getTimestamp(2).toInstant()).toNanos() / 1000;
                    latency.recordValue(Math.max(0, micros));
                }
            }
        }
        return latency;
    }

    /** Adds {@code count} waiting tasks straight into the tables, as the engine would have left them. */
    private void bulkWaits(int count) throws Exception {
        long started = System.nanoTime();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (int done = 0; done < count; done += 100_000) {
                int batch = Math.min(100_000, count - done);
                s.execute("""
                        WITH t AS (
                            INSERT INTO baton_task (id, agent, state, input, context, next_step, step_seq, attempt,
                                                    owner, wake_at, created_at, updated_at)
                            SELECT gen_random_uuid(), 'bench-wait', 'WAITING', '{}', '{}', 'resumed', 1, 1, 'bulk',
                                   now() + interval '1 day', now(), now()
                              FROM generate_series(1, %d)
                            RETURNING id)
                        INSERT INTO baton_wait (id, task_id, seq, kind, token_hash, state, timeout_millis, deadline,
                                                max_deadline, resume_step, created_at)
                        SELECT gen_random_uuid(), t.id, 1, 'TOKEN', encode(sha256(t.id::text::bytea), 'hex'), 'OPEN',
                               86400000, now() + interval '1 day', now() + interval '1 day', 'resumed', now()
                          FROM t""".formatted(batch));
            }
            // As a server holding them for a while would have them: vacuumed and analysed (else autovacuum starts on
            // the fresh million rows while the resumes are measured), and checkpointed.
            s.execute("VACUUM (ANALYZE) baton_task");
            s.execute("VACUUM (ANALYZE) baton_wait");
            try {
                s.execute("CHECKPOINT"); // flush the gigabyte just written now, not while resumes are measured
            } catch (SQLException e) {
                report.note("CHECKPOINT after the bulk insert was refused (" + e.getMessage() + "); PostgreSQL may "
                        + "still be flushing it while the large scale is measured");
            }
        }
        report.note(String.format("%,d waiting tasks (task row and open token wait each, deadline in a day) were "
                + "inserted in %.0f s with SQL to reach the large scale; the waits measured were opened by the engine",
                count, (System.nanoTime() - started) / 1e9));
    }

    private void latencyRow(String figure, Histogram h, String reference, String target, boolean met) {
        report.add(figure, "p50 " + ms(h.getValueAtPercentile(50)) + ", p99 " + ms(h.getValueAtPercentile(99))
                        + ", max " + ms(h.getMaxValue()) + " (" + h.getTotalCount() + " resumes)",
                h.getValueAtPercentile(99) / 1000.0, reference, verdict(target, met));
    }

    // ------------------------------------------------------------------ ingress

    private void ingress(BenchCluster cluster, UUID resumedTask) throws Exception {
        String duplicate = "/hooks/" + tokens.tokenFor(resumedTask, 1).value();
        String unknown = "/hooks/" + tokens.tokenFor(UUID.randomUUID(), 1).value();
        double health = requestsPerSecond(cluster, "GET", "/health/live", 200);
        double unknownRate = requestsPerSecond(cluster, "POST", unknown, 404);
        double duplicateRate = requestsPerSecond(cluster, "POST", duplicate, 200);
        String reference = String.format("GET /health/live on the same nodes: %,.0f req/s", health);
        report.add("Webhook ingress, unknown token (404)", String.format("%,.0f req/s", unknownRate), unknownRate,
                reference, "-");
        report.add("Webhook ingress, duplicate delivery (replayed receipt)", String.format("%,.0f req/s",
                duplicateRate), duplicateRate, reference, verdict(">= 3,000 req/s", duplicateRate >= 3000));
    }

    private double requestsPerSecond(BenchCluster cluster, String method, String path, int expected)
            throws Exception {
        int threads = sizes.clients() * 2;
        AtomicLong ok = new AtomicLong();
        AtomicLong wrong = new AtomicLong();
        long end = System.nanoTime() + Duration.ofSeconds(sizes.ingressSeconds()).toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long started = System.nanoTime();
        try {
            List<Future<?>> loops = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String node = t % 2 == 0 ? A : B;
                HttpRequest request = HttpRequest.newBuilder(cluster.uri(node, path))
                        .header("Content-Type", "application/json")
                        .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString("{\"ok\": true}")).build();
                loops.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        int status = cluster.http().send(request, HttpResponse.BodyHandlers.discarding())
                                .statusCode();
                        (status == expected ? ok : wrong).incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> loop : loops) {
                loop.get(sizes.ingressSeconds() + 60L, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        if (wrong.get() > 0) {
            throw new IllegalStateException(wrong.get() + " answers to " + method + " " + path.substring(0, 10)
                    + "... were not " + expected);
        }
        return ok.get() / ((System.nanoTime() - started) / 1e9);
    }

    // ------------------------------------------------------------------ callbacks

    /**
     * Sends {@code callbackEvents} events to a receiver on this machine: an endpoint for {@code task.succeeded} of
     * 3-step tasks started by the clients. Events per second from the first event to the last receipt, and the delay
     * of each from its event's time (the transaction that wrote it) to its first receipt.
     */
    private void callbacks(BenchCluster cluster) throws Exception {
        Map<String, Long> receivedAt = new java.util.concurrent.ConcurrentHashMap<>();
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 256);
        receiver.setExecutor(Executors.newFixedThreadPool(16));
        receiver.createContext("/", exchange -> {
            Instant at = Instant.now();
            long now = at.getEpochSecond() * 1_000_000 + at.getNano() / 1000;
            exchange.getRequestBody().readAllBytes();
            receivedAt.putIfAbsent(exchange.getRequestHeaders().getFirst("webhook-id"), now);
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            HttpResponse<String> made = cluster.admin(A, "/admin/api/callbacks", "{\"url\": \"http://127.0.0.1:"
                    + receiver.getAddress().getPort() + "/baton\", \"eventTypes\": [\"task.succeeded\"], "
                    + "\"agent\": \"bench-3step\"}");
            if (made.statusCode() != 201) {
                throw new IllegalStateException("registering the callback answered " + made.statusCode() + ": "
                        + made.body());
            }
            int count = sizes.callbackEvents();
            parallel(sizes.clients(), count, i -> cluster.start(i % 2 == 0 ? A : B, "{\"agent\": \"bench-3step\"}"));
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (receivedAt.size() < count && System.nanoTime() < deadline) {
                Thread.sleep(POLL_MILLIS);
            }
            Histogram delay = new Histogram(3);
            long first = Long.MAX_VALUE;
            long last = 0;
            try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                    "SELECT id::text, (extract(epoch from created_at) * 1000000)::bigint FROM baton_event "
                            + "WHERE type = 'task.succeeded' AND agent = 'bench-3step'")) {
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Long at = receivedAt.get(rs.getString(1));
                        if (at != null) {
                            delay.recordValue(Math.max(0, at - rs.getLong(2)));
                            first = Math.min(first, rs.getLong(2));
                            last = Math.max(last, at);
                        }
                    }
                }
            }
            double perSecond = delay.getTotalCount() / Math.max(1e-6, (last - first) / 1e6);
            report.add(String.format("Callbacks sent to a local receiver (%,d events of %,d)", delay.getTotalCount(),
                    count), String.format("%,.0f events/s; commit to receipt p50 %s, p99 %s, max %s", perSecond,
                    ms(delay.getValueAtPercentile(50)), ms(delay.getValueAtPercentile(99)),
                    ms(delay.getMaxValue())), perSecond, "-", "-");
            cluster.admin(A, "/admin/api/callbacks/" + json(made.body()).path("id").asText() + "/disable", "{}");
        } finally {
            receiver.stop(0);
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String body) throws java.io.IOException {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
    }

    // ------------------------------------------------------------------ failover

    /**
     * SIGKILLs the node running a step, {@code kills} times: how long until the step starts again on the survivor.
     * Saturated: both nodes' workers are busy with long steps and more wait in the backlog when the kill comes; the
     * recovered step must start as soon as a worker frees, before the backlog.
     */
    private void failover(BenchCluster cluster, boolean saturated) throws Exception {
        Histogram afterKill = new Histogram(3);
        Histogram afterFree = new Histogram(3);
        long overtaken = 0;
        for (int k = 0; k < sizes.kills(); k++) {
            UUID task = cluster.start(A, "{\"agent\": \"bench-work\", \"input\": {\"millis\": " + sizes.workMillis()
                    + "}}");
            String owner = awaitOwner(task);
            if (saturated) {
                for (int i = 0; i < sizes.workers() * 3; i++) {
                    cluster.start(i % 2 == 0 ? A : B, "{\"agent\": \"bench-work\", \"input\": {\"millis\": "
                            + sizes.workMillis() + "}}");
                }
                awaitCount("SELECT count(*) FROM baton_task WHERE agent = ? AND state = 'RUNNING'", "bench-work",
                        sizes.workers() * 2L);
            }
            String survivor = owner.equals(A) ? B : A;
            Instant killedAt = Instant.now();
            cluster.kill(owner);
            Instant readyAt = awaitRecovered(task);
            awaitSql("SELECT count(*) FROM baton_task WHERE id = ANY(?) AND state = 'SUCCEEDED'", new UUID[] {task}, 1);
            Instant rerun = ((Timestamp) query("SELECT started_at FROM baton_step WHERE task_id = ? AND step_name = "
                    + "'work'", task)).toInstant();
            afterKill.recordValue(Duration.between(killedAt, rerun).toMillis());
            if (saturated) {
                Timestamp freed = (Timestamp) query("""
                        SELECT min(finished_at) FROM baton_step
                         WHERE node = ? AND step_name = 'work' AND finished_at >= ?""", survivor,
                        Timestamp.from(readyAt));
                if (freed != null) {
                    afterFree.recordValue(Math.max(0, Duration.between(freed.toInstant(), rerun).toMillis()));
                }
                overtaken += (Long) query("""
                        SELECT count(*) FROM baton_step
                         WHERE node = ? AND step_name = 'work' AND attempt = 1 AND started_at > ? AND started_at < ?""",
                        survivor,
                        Timestamp.from(readyAt), Timestamp.from(rerun));
            }
            cluster.start(owner);
            awaitCount("SELECT count(*) FROM baton_task WHERE agent = ? AND state IN ('RUNNABLE', 'RUNNING')",
                    "bench-work", 0);
        }
        String figure = "Failover, SIGKILL mid-step to the step running elsewhere (" + sizes.kills() + " kills, "
                + (saturated ? "workers saturated" : "idle") + ")";
        String baton = "p50 " + sec(afterKill.getValueAtPercentile(50)) + ", max " + sec(afterKill.getMaxValue());
        if (!saturated) {
            report.add(figure, baton, afterKill.getValueAtPercentile(50) / 1000.0, "-",
                    verdict("p50 <= 3 s, max <= 5 s", afterKill.getValueAtPercentile(50) <= 3000
                            && afterKill.getMaxValue() <= 5000));
        } else {
            report.add(figure, baton + "; after the first worker freed: max " + sec(afterFree.getMaxValue())
                            + "; other steps started first: " + overtaken, afterKill.getValueAtPercentile(50) / 1000.0,
                    sizes.workers() * 3 + " steps of " + sec(sizes.workMillis()) + " queued at each kill",
                    verdict("<= 5 s after a worker frees", afterFree.getMaxValue() <= 5000));
        }
    }

    private String awaitOwner(UUID task) throws Exception {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (System.nanoTime() < deadline) {
            Object owner = query("SELECT owner FROM baton_task WHERE id = ? AND state = 'RUNNING'", task);
            if (owner != null) {
                return (String) owner;
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        throw new IllegalStateException("task " + task + " never ran");
    }

    /** Polls (every 10 ms) until the killed attempt's task is taken back (no longer RUNNING under attempt 1). */
    private Instant awaitRecovered(UUID task) throws Exception {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (System.nanoTime() < deadline) {
            Object taken = query("SELECT 1 FROM baton_task WHERE id = ? AND (state <> 'RUNNING' OR attempt > 1)", task);
            if (taken != null) {
                return Instant.now();
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        throw new IllegalStateException("task " + task + " was never recovered");
    }

    // ------------------------------------------------------------------ helpers

    private double maxHeap(BenchCluster cluster) throws Exception {
        double max = 0;
        for (String node : cluster.nodeIds()) {
            max = Math.max(max, cluster.heapAfterGcMiB(node));
        }
        return max;
    }

    @FunctionalInterface
    private interface Indexed {
        void run(int i) throws Exception;
    }

    private static void parallel(int threads, int count, Indexed work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                done.add(pool.submit(() -> {
                    for (int i = first; i < count; i += threads) {
                        work.run(i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(LONG.toMinutes(), TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private long count(String sql, Object parameter) throws Exception {
        return ((Number) query(sql, parameter)).longValue();
    }

    private void awaitCount(String sql, Object parameter, long expected) throws Exception {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (count(sql, parameter) != expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("never reached " + expected + ": " + sql);
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
    }

    private void awaitSql(String sql, UUID[] ids, long expected) throws Exception {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (true) {
            try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setArray(1, c.createArrayOf("uuid", ids));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == expected) {
                        return;
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("never reached " + expected + ": " + sql);
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
    }

    private Object query(String sql, Object... parameters) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        }
    }

    private static String ms(long micros) {
        return String.format("%.1f ms", micros / 1000.0);
    }

    private static String sec(long millis) {
        return String.format("%.2f s", millis / 1000.0);
    }

    private static String verdict(String target, boolean met) {
        return target + (met ? ": met" : ": missed");
    }
}
