package io.baton.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.chaos.history.History;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The clients of a chaos run. A starter starts tasks at a steady rate on random nodes (chains of effects, approvals
 * that wait for a resume token, orders that wait for an event); each waiting task gets a client that delivers its
 * resume or event, to random nodes, sometimes as a storm of concurrent duplicates to different nodes, sometimes
 * before the wait has opened, and retries a delivery whose outcome it could not know until it gets an answer. Every
 * request is recorded in the {@link History} (invoke, then ok / fail / info). All choices come from the run's seed.
 */
final class Workload implements AutoCloseable {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration GIVE_UP = Duration.ofMinutes(4);

    private final ChaosCluster cluster;
    private final History history;
    private final Random random;
    private final long seed;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final ExecutorService clients = Executors.newCachedThreadPool();
    private final AtomicInteger started = new AtomicInteger();
    private volatile boolean starting = true;

    Workload(ChaosCluster cluster, History history, long seed) {
        this.cluster = cluster;
        this.history = history;
        this.seed = seed;
        this.random = new Random(seed);
    }

    /** Starts tasks, {@code perSecond} a second, until {@link #stopStarting()}. */
    void run(double perSecond) {
        clients.execute(() -> {
            long pause = (long) (1000 / perSecond);
            while (starting) {
                long r;
                synchronized (random) {
                    r = random.nextLong();
                }
                int n = started.incrementAndGet();
                clients.execute(() -> startOne(n, new Random(r)));
                sleep(pause);
            }
        });
    }

    void stopStarting() {
        starting = false;
    }

    /** A task that fails cleanly: a bad value inside it (the fault "poison step"). */
    void poison() {
        long r;
        synchronized (random) {
            r = random.nextLong();
        }
        int n = started.incrementAndGet();
        clients.execute(() -> {
            ObjectNode start = json.createObjectNode().put("agent", "chaos-poison")
                    .put("idempotencyKey", "chaos-" + seed + "-" + n);
            start.putObject("input").put("seconds", 5);
            startTask(new Random(r), start);
        });
    }

    /**
     * The fault "node killed while handling a webhook": starts an approval, waits for its token, sends the resume to
     * {@code node} and runs {@code kill} {@code delayMillis} later, then delivers it (elsewhere) until it is answered.
     * Whether {@code node} answered before it died.
     */
    boolean resumeAcrossKill(String node, long delayMillis, Runnable kill) {
        long r;
        synchronized (random) {
            r = random.nextLong();
        }
        Random rr = new Random(r);
        int n = started.incrementAndGet();
        ObjectNode start = json.createObjectNode().put("agent", "chaos-approval")
                .put("idempotencyKey", "chaos-" + seed + "-" + n);
        start.putObject("input");
        String task = startTask(rr, start);
        String token = task == null ? null : awaitToken(task);
        if (token == null) {
            kill.run();
            return false;
        }
        ObjectNode payload = json.createObjectNode().put("approved", true).put("by", "across-kill");
        String deliveryId = "chaos-resume-" + task + "-across-kill";
        java.util.concurrent.atomic.AtomicBoolean answered = new java.util.concurrent.atomic.AtomicBoolean();
        Thread sender = new Thread(() -> answered.set(deliverTo(node, "resume", task, token, "/hooks/" + token,
                payload, deliveryId)));
        sender.start();
        sleep(delayMillis);
        kill.run();
        try {
            sender.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean before = answered.get();
        clients.execute(() -> {
            long deadline = System.nanoTime() + GIVE_UP.toNanos();
            while (System.nanoTime() < deadline && !deliverOnce(rr, "resume", task, token, "/hooks/" + token, payload,
                    deliveryId)) {
                sleep(500);
            }
        });
        return before;
    }

    private void startOne(int n, Random r) {
        int kind = r.nextInt(100);
        ObjectNode start = json.createObjectNode().put("idempotencyKey", "chaos-" + seed + "-" + n);
        ObjectNode input = start.putObject("input");
        if (kind < 50) {
            start.put("agent", "chaos-chain");
            input.put("workMillis", 50 + r.nextInt(400));
            startTask(r, start);
        } else if (kind < 75) {
            start.put("agent", "chaos-approval");
            String task = startTask(r, start);
            if (task != null) {
                resume(r, task);
            }
        } else {
            String order = "order-" + seed + "-" + n;
            start.put("agent", "chaos-event");
            input.put("orderId", order);
            boolean early = r.nextInt(3) == 0;
            String task = startTask(r, start);
            if (task != null) {
                if (!early) {
                    awaitWaiting(task);
                }
                deliver(r, "event", task, order, "/events/orders", json.createObjectNode().put("orderId", order)
                        .put("paid", true));
            }
        }
    }

    /** Starts {@code count} chains through {@code node} (which then runs them itself, unless it is busy). */
    void startChainsOn(String node, int count) {
        startChainsOn(node, count, 300);
    }

    /** {@link #startChainsOn(String, int)} with steps that work {@code workMillis} (a step to catch running). */
    void startChainsOn(String node, int count, int workMillis) {
        for (int i = 0; i < count; i++) {
            int n = started.incrementAndGet();
            ObjectNode start = json.createObjectNode().put("agent", "chaos-chain")
                    .put("idempotencyKey", "chaos-" + seed + "-" + n);
            start.putObject("input").put("workMillis", workMillis);
            clients.execute(() -> startTask(new Random(n), start, node));
        }
    }

    private String startTask(Random r, ObjectNode body) {
        return startTask(r, body, null);
    }

    /**
     * Starts a task (through {@code via}, or a random node), retrying an unknown outcome under the same idempotency
     * key; its id, or null if refused.
     */
    private String startTask(Random r, ObjectNode body, String via) {
        String key = body.path("idempotencyKey").asText();
        long deadline = System.nanoTime() + GIVE_UP.toNanos();
        while (System.nanoTime() < deadline) {
            int process = history.process();
            History.Invocation op = history.invoke(process, "start", null, key, body);
            try {
                HttpResponse<String> answer = send(via != null && cluster.isAlive(via) ? via : node(r),
                        "/admin/api/tasks", body, true);
                JsonNode value = parse(answer.body());
                if (answer.statusCode() == 201 || answer.statusCode() == 200) {
                    String id = value.path("id").asText();
                    op.ok(id, value);
                    return id;
                }
                if (answer.statusCode() >= 500 || answer.statusCode() == 429) {
                    op.info("HTTP " + answer.statusCode()); // 503: the database may have committed it
                } else {
                    op.fail(value);
                    return null;
                }
            } catch (Exception e) {
                op.info(e.getClass().getSimpleName());
            }
            sleep(200 + r.nextInt(800));
        }
        return null;
    }

    /** Resumes an approval: a heartbeat first sometimes, then the decision (or a failure), until it is answered. */
    private void resume(Random r, String task) {
        String token = awaitToken(task);
        if (token == null) {
            return;
        }
        if (r.nextInt(4) == 0) {
            deliverOnce(r, "heartbeat", task, token, "/hooks/" + token + "/heartbeat", json.createObjectNode(), null);
        }
        boolean fail = r.nextInt(10) == 0;
        ObjectNode payload = fail ? json.createObjectNode().put("reason", "declined by chaos")
                : json.createObjectNode().put("approved", true).put("by", "chaos-" + r.nextInt(1000));
        deliver(r, fail ? "fail-wait" : "resume", task, token, "/hooks/" + token + (fail ? "/fail" : ""), payload);
    }

    /**
     * One delivery (one delivery id), sent until it gets an answer: sometimes as a storm of concurrent copies to
     * different nodes at once.
     */
    private void deliver(Random r, String f, String task, String key, String path, ObjectNode payload) {
        String deliveryId = "chaos-" + f + "-" + task + "-" + r.nextInt(1_000_000);
        int copies = r.nextInt(4) == 0 ? 2 + r.nextInt(3) : 1;
        long deadline = System.nanoTime() + GIVE_UP.toNanos();
        while (System.nanoTime() < deadline) {
            List<Thread> storm = new ArrayList<>();
            AtomicInteger answered = new AtomicInteger();
            for (int i = 0; i < copies; i++) {
                long seedOfCopy = r.nextLong();
                Thread copy = new Thread(() -> {
                    if (deliverOnce(new Random(seedOfCopy), f, task, key, path, payload, deliveryId)) {
                        answered.incrementAndGet();
                    }
                });
                copy.start();
                storm.add(copy);
            }
            for (Thread t : storm) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (answered.get() > 0) {
                return;
            }
            copies = 1;
            sleep(300 + r.nextInt(1000));
        }
    }

    /** Sends one request; true when it was answered for good (2xx or 4xx), false when the outcome is unknown. */
    private boolean deliverOnce(Random r, String f, String task, String key, String path, ObjectNode payload,
                                String deliveryId) {
        return deliverTo(node(r), f, task, key, path, payload, deliveryId);
    }

    private boolean deliverTo(String node, String f, String task, String key, String path, ObjectNode payload,
                              String deliveryId) {
        int process = history.process();
        History.Invocation op = history.invoke(process, f, task, key, payload);
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:"
                            + cluster.port(node) + path)).timeout(REQUEST_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(payload.toString()));
            if (deliveryId != null) {
                request.header("webhook-id", deliveryId);
            }
            HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode value = parse(answer.body());
            if (value instanceof ObjectNode object && answer.headers().firstValue("Idempotent-Replayed").isPresent()) {
                object.put("replayed", true);
            }
            if (answer.statusCode() / 100 == 2) {
                op.ok(value);
                return true;
            }
            if (answer.statusCode() >= 500) {
                op.info("HTTP " + answer.statusCode());
                return false;
            }
            op.fail(value);
            return true;
        } catch (Exception e) {
            op.info(e.getClass().getSimpleName());
            return false;
        }
    }

    /** The resume token of a task's wait, from the admin API, once the step has minted it. */
    private String awaitToken(String task) {
        long deadline = System.nanoTime() + GIVE_UP.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode view = read(task);
            for (JsonNode wait : view.path("waits")) {
                String url = wait.path("resumeUrl").asText("");
                if (url.contains("/hooks/")) {
                    return url.substring(url.indexOf("/hooks/") + "/hooks/".length());
                }
            }
            if (view.path("state").asText().matches("SUCCEEDED|FAILED|CANCELLED")) {
                return null;
            }
            sleep(200);
        }
        return null;
    }

    private void awaitWaiting(String task) {
        long deadline = System.nanoTime() + GIVE_UP.toNanos();
        while (System.nanoTime() < deadline && !read(task).path("state").asText().equals("WAITING")) {
            sleep(200);
        }
    }

    private JsonNode read(String task) {
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                            + cluster.port(node(random)) + "/admin/api/tasks/" + task)).timeout(REQUEST_TIMEOUT)
                    .header("Authorization", "Bearer " + ChaosCluster.API_KEY).build(),
                    HttpResponse.BodyHandlers.ofString());
            return parse(answer.body());
        } catch (Exception e) {
            return json.createObjectNode();
        }
    }

    private HttpResponse<String> send(String node, String path, JsonNode body, boolean admin) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + cluster.port(node)
                        + path)).timeout(REQUEST_TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (admin) {
            request.header("Authorization", "Bearer " + ChaosCluster.API_KEY);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String node(Random r) {
        List<String> nodes = cluster.nodeIds().stream().filter(n -> !n.startsWith("armed-")).toList();
        synchronized (r) {
            return nodes.get(r.nextInt(nodes.size()));
        }
    }

    private JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? json.createObjectNode() : json.readTree(body);
        } catch (Exception e) {
            return json.createObjectNode().put("body", body.length() > 200 ? body.substring(0, 200) : body);
        }
    }

    int started() {
        return started.get();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the clients to finish what they started (each gives up after a bound). */
    @Override
    public void close() throws InterruptedException {
        starting = false;
        clients.shutdown();
        clients.awaitTermination(GIVE_UP.toSeconds() + 30, TimeUnit.SECONDS);
        clients.shutdownNow();
    }
}
