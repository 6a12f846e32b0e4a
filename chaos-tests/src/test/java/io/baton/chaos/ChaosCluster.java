package io.baton.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.ops.ServerProcess;
import io.baton.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Real Baton node processes on one database, with the chaos agents on their class path, and a log of every fault
 * the suite injects (printed as it happens, so a failing run shows what was done to it).
 */
final class ChaosCluster implements AutoCloseable {
    static final String API_KEY = "chaos-admin-key-0123456789abcdef";
    private static final Duration START = Duration.ofSeconds(90);

    private final TestDatabase db;
    private final Path work;
    private final Map<String, ServerProcess> nodes = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, Integer> ports = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, String[]> extraEnvs = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Integer> incarnations = new java.util.concurrent.ConcurrentHashMap<>();
    /** Each node reaches PostgreSQL through a proxy of its own (kept across restarts), for network faults. */
    private final Map<String, DatabaseProxy> proxies = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<String> injected = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    ChaosCluster(TestDatabase db, Path work) throws Exception {
        this.db = db;
        this.work = work;
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute(ChaosAgents.SCHEMA);
        }
    }

    /** Starts a node process and waits until it is ready. */
    void start(String nodeId, String... extraEnv) {
        extraEnvs.putIfAbsent(nodeId, extraEnv);
        launch(nodeId, extraEnv);
        ports.put(nodeId, nodes.get(nodeId).awaitReady(START));
    }

    /** Starts a node process (with the settings it first started with, and {@code more}) without waiting for it. */
    ServerProcess launch(String nodeId, String... more) {
        extraEnvs.putIfAbsent(nodeId, more); // a restart gets the settings of the first start
        Map<String, String> env = new HashMap<>(db.batonEnvironment());
        env.put("BATON_DB_URL", proxied(nodeId));
        env.put("BATON_NODE_ID", nodeId);
        env.put("BATON_HTTP_PORT", "0");
        env.put("BATON_ADMIN_API_KEY", API_KEY);
        env.put("BATON_IDLE_WAIT", "1s");
        env.put("BATON_RECONCILE_INTERVAL", "1s");
        env.put("BATON_STALE_AFTER", "3s");
        env.put("BATON_TOKEN_KEY", "chaos-token-key-0123456789abcdef0123456789");
        env.put("BATON_SECRET_KEY", "test:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        env.put("BATON_CALLBACK_ALLOW", "127.0.0.1/32");
        env.put("BATON_EVENT_SOURCES", ChaosAgents.EVENT_SOURCE);
        env.put("CHAOS_LEDGER_URL", db.url());
        String[] first = extraEnvs.getOrDefault(nodeId, new String[0]);
        for (String[] pairs : List.of(first, more)) {
            for (int i = 0; i + 1 < pairs.length; i += 2) {
                env.put(pairs[i], pairs[i + 1]);
            }
        }
        int incarnation = incarnations.merge(nodeId, 1, Integer::sum);
        ServerProcess process = ServerProcess.start(work.resolve(nodeId).resolve("run-" + incarnation), env,
                List.of(Path.of("target", "test-classes")), "server");
        nodes.put(nodeId, process);
        return process;
    }

    /** The database URL through the node's proxy (the chaos ledger, an outside system, is reached directly). */
    private String proxied(String nodeId) {
        URI direct = URI.create(db.url().substring("jdbc:".length()));
        DatabaseProxy proxy = proxies.computeIfAbsent(nodeId, id -> {
            try {
                return new DatabaseProxy(direct.getHost(), direct.getPort());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return "jdbc:postgresql://127.0.0.1:" + proxy.port() + direct.getPath() + "?sslmode=disable"
                + (direct.getQuery() == null ? "" : "&" + direct.getQuery());
    }

    /** The proxy between a node and PostgreSQL. */
    DatabaseProxy proxy(String nodeId) {
        return proxies.get(nodeId);
    }

    /** Starts a stopped node again (same id, same settings) and waits until it is ready. */
    void restart(String nodeId) {
        launch(nodeId);
        ports.put(nodeId, nodes.get(nodeId).awaitReady(START));
    }

    /** Waits for a node launched with {@link #launch} to be ready. */
    void awaitReady(String nodeId) {
        ports.put(nodeId, nodes.get(nodeId).awaitReady(START));
    }

    /** The ids of the nodes started so far, in order. */
    List<String> nodeIds() {
        synchronized (nodes) {
            return List.copyOf(nodes.keySet());
        }
    }

    boolean isAlive(String nodeId) {
        return nodes.get(nodeId).isAlive();
    }

    int port(String nodeId) {
        return ports.get(nodeId);
    }

    ServerProcess node(String nodeId) {
        return nodes.get(nodeId);
    }

    /** Starts a task through a node's admin API and returns its id. */
    String startTask(String nodeId, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + ports.get(nodeId) + "/admin/api/tasks"))
                .header("Authorization", "Bearer " + API_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json.readTree(response.body()).path("id").asText();
    }

    JsonNode task(String nodeId, String taskId) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + ports.get(nodeId) + "/admin/api/tasks/" + taskId))
                .header("Authorization", "Bearer " + API_KEY).build(), HttpResponse.BodyHandlers.ofString());
        return json.readTree(response.body());
    }

    /** POSTs a JSON body to the admin API of a live node (not an armed one), as the admin. */
    HttpResponse<String> admin(String path, String body) throws IOException, InterruptedException {
        String node = nodeIds().stream().filter(n -> !n.startsWith("armed-") && isAlive(n)).findFirst()
                .orElseThrow();
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + ports.get(node) + path))
                .header("Authorization", "Bearer " + API_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POSTs a JSON body to a path of a node (no credentials: webhooks). */
    HttpResponse<String> post(String nodeId, String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + ports.get(nodeId) + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** SIGKILL: the process dies at once, no draining, no shutdown hooks. */
    Instant kill(String nodeId, String why) throws InterruptedException {
        record("SIGKILL " + nodeId + " (pid " + nodes.get(nodeId).pid() + ") " + why);
        nodes.get(nodeId).kill();
        nodes.get(nodeId).awaitExit(Duration.ofSeconds(30));
        return Instant.now();
    }

    /** SIGSTOP: the process freezes (a long GC pause, a stalled VM): no heartbeats, no progress. */
    Instant pause(String nodeId, String why) throws IOException, InterruptedException {
        record("SIGSTOP " + nodeId + " (pid " + nodes.get(nodeId).pid() + ") " + why);
        nodes.get(nodeId).signal("STOP");
        return Instant.now();
    }

    void resume(String nodeId, String why) throws IOException, InterruptedException {
        record("SIGCONT " + nodeId + " " + why);
        nodes.get(nodeId).signal("CONT");
    }

    void record(String fault) {
        String line = "CHAOS " + Instant.now() + " injected: " + fault;
        injected.add(line);
        System.out.println(line);
    }

    List<String> injected() {
        return List.copyOf(injected);
    }

    @Override
    public void close() throws Exception {
        List<ServerProcess> all;
        synchronized (nodes) {
            all = List.copyOf(nodes.values());
        }
        for (ServerProcess node : all) {
            try {
                if (node.isAlive()) {
                    node.signal("CONT");
                }
            } catch (Exception e) {
                // it died meanwhile
            }
            node.close();
        }
        for (DatabaseProxy proxy : proxies.values()) {
            proxy.close();
        }
    }
}
