package io.baton.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.ops.ServerProcess;
import io.baton.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Two (or more) real Baton node processes on the benchmark's database, with the bench agents on their class path. */
final class BenchCluster implements AutoCloseable {
    static final String API_KEY = "bench-admin-key-0123456789abcdef";
    static final String TOKEN_KEY = "bench-token-key-0123456789abcdef0123456789";
    private static final Duration START = Duration.ofSeconds(120);
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private final TestDatabase db;
    private final Path work;
    private final int workers;
    private final Map<String, ServerProcess> nodes = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new HashMap<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    BenchCluster(TestDatabase db, Path work, int workers) {
        this.db = db;
        this.work = work;
        this.workers = workers;
    }

    /** Starts (or restarts) a node process and waits until it serves. */
    void start(String nodeId) {
        Map<String, String> env = new HashMap<>(db.batonEnvironment());
        env.put("BATON_NODE_ID", nodeId);
        env.put("BATON_HTTP_PORT", "0");
        env.put("BATON_ADMIN_API_KEY", API_KEY);
        env.put("BATON_TOKEN_KEY", TOKEN_KEY);
        env.put("BATON_SECRET_KEY", "bench:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        env.put("BATON_CALLBACK_ALLOW", "127.0.0.1/32"); // the benchmark's callback receiver runs here
        env.put("BATON_WORKER_THREADS", Integer.toString(workers));
        env.put("BATON_DB_POOL_SIZE", Integer.toString(workers + 12));
        env.put("BATON_MAX_BACKLOG", "10000000");
        env.put("BATON_SHUTDOWN_GRACE", "2s");
        env.put("BATON_LOG_LEVEL", "WARN");
        String jfr = System.getProperty("bench.jfr", "");
        if (!jfr.isEmpty()) { // -Dbench.jfr=<dir>: a flight recording of each node, to see where the time goes
            env.put("JAVA_TOOL_OPTIONS", "-XX:StartFlightRecording=filename=" + Path.of(jfr).toAbsolutePath()
                    .resolve(nodeId + "-" + System.nanoTime() + ".jfr") + ",settings=profile");
        }
        ServerProcess process = ServerProcess.start(work.resolve(nodeId), env,
                List.of(Path.of("target", "test-classes")), "server");
        nodes.put(nodeId, process);
        ports.put(nodeId, process.awaitReady(START));
    }

    List<String> nodeIds() {
        return List.copyOf(nodes.keySet());
    }

    int port(String nodeId) {
        return ports.get(nodeId);
    }

    ServerProcess process(String nodeId) {
        return nodes.get(nodeId);
    }

    /** SIGKILL, and wait until the process is gone. */
    void kill(String nodeId) throws InterruptedException {
        nodes.get(nodeId).kill();
        nodes.get(nodeId).awaitExit(Duration.ofSeconds(30));
    }

    /** Starts a task through a node's admin API; its id. */
    UUID start(String nodeId, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(nodeId, "/admin/api/tasks"))
                .header("Authorization", "Bearer " + API_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("start answered " + response.statusCode() + ": " + response.body());
        }
        return UUID.fromString(json.readTree(response.body()).path("id").asText());
    }

    /** POSTs a JSON body to the admin API; the answer. */
    HttpResponse<String> admin(String nodeId, String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(nodeId, path)).header("Authorization", "Bearer " + API_KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** POSTs a JSON body (no credentials: a webhook); the status. */
    int post(String nodeId, String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(nodeId, path)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    HttpClient http() {
        return http;
    }

    URI uri(String nodeId, String path) {
        return URI.create("http://localhost:" + ports.get(nodeId) + path);
    }

    /** The node's heap in use right after a full collection, in MiB ({@code jcmd GC.run}, then {@code GC.heap_info}). */
    double heapAfterGcMiB(String nodeId) throws IOException, InterruptedException {
        long pid = nodes.get(nodeId).pid();
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher used = HEAP_USED.matcher(info);
        if (!used.find()) {
            throw new IllegalStateException("no heap figure in: " + info);
        }
        return Long.parseLong(used.group(1)) / 1024.0;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return output;
    }

    @Override
    public void close() throws Exception {
        for (ServerProcess node : nodes.values()) {
            node.close();
        }
    }
}
