package io.baton.ops.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.ops.ServerProcess;
import io.baton.persistence.EmbeddedDatabase;
import io.baton.signature.StandardWebhooksScheme;
import io.baton.testing.RawHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance for "bad input never breaks Baton": a real server process, a few thousand seeded malformed requests
 * over raw sockets against every route. No answer may be a 5xx; every error is problem+json with a detail; no
 * answer and no line the server logged may carry a token, key or secret of this run; sentinel tasks, waits and
 * deliveries are unchanged; and the node still works afterwards.
 *
 * <p>Replay a run with {@code ./mvnw verify -pl ops -am -Dit.test=HttpFuzzIT -Dfuzz.seed=<seed>}; change the
 * count with {@code -Dfuzz.requests=<n>} (default 3000).
 */
class HttpFuzzIT {
    private static final int REQUESTS = Integer.getInteger("fuzz.requests", 3000);
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(15);
    private static final List<String> TABLES = List.of("baton_task", "baton_wait", "baton_step", "baton_delivery",
            "baton_inbox", "baton_fenced_checkpoint", "baton_callback", "baton_event", "baton_callback_delivery",
            "baton_agent_pause", "baton_node", "baton_bulk_operation", "baton_bulk_target");

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final SecureRandom random = new SecureRandom();

    @TempDir
    Path work;

    @Test
    void aFewThousandMalformedRequestsGetA4xxProblemChangeNothingAndLeakNoSecret() throws Exception {
        long seed = Long.getLong("fuzz.seed", random.nextLong());
        System.out.println("FUZZ seed " + seed + " (" + REQUESTS + " requests); replay with: ./mvnw verify -pl ops -am "
                + "-Dit.test=HttpFuzzIT -Dtest=none -Dfuzz.seed=" + seed);
        String adminKey = "fuzz-admin-key-" + HexFormat.of().formatHex(bytes(16));
        String tokenKey = HexFormat.of().formatHex(bytes(32));
        String sourceSecret = "whsec_" + Base64.getEncoder().encodeToString(bytes(32));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BATON_HTTP_PORT", "0");
        env.put("BATON_ADMIN_API_KEY", adminKey);
        env.put("BATON_TOKEN_KEY", tokenKey);
        env.put("BATON_SECRET_KEY", "test:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        env.put("BATON_EVENT_SOURCES", "orders,standard-webhooks,/order/id,1h;plain,none,/key,1h");
        env.put("BATON_EVENT_SECRET_ORDERS", sourceSecret);
        env.put("BATON_SHUTDOWN_GRACE", "2s");

        try (ServerProcess server = ServerProcess.start(work, env, "server")) {
            int port = server.awaitReady(Duration.ofSeconds(90));
            Admin admin = new Admin(port, adminKey);
            List<UUID> tasks = new ArrayList<>();
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                UUID id = admin.start("{\"agent\": \"demo-expense\", \"input\": {\"employee\": \"Sentinel " + i
                        + "\", \"amount\": \"" + i + " EUR\"}}");
                tasks.add(id);
                tokens.add(admin.awaitResumeToken(id));
            }
            for (int delay : new int[] {3600, 3600, 0}) {
                UUID id = admin.start("{\"agent\": \"demo-greeting\", \"input\": {\"delaySeconds\": " + delay + "}}");
                tasks.add(id);
                admin.awaitState(id, delay == 0 ? "SUCCEEDED" : "SLEEPING");
            }
            byte[] event = "{\"order\": {\"id\": \"sentinel-order\"}}".getBytes(StandardCharsets.UTF_8);
            long now = System.currentTimeMillis() / 1000;
            RawHttp.Response recorded = RawHttp.send(port, FuzzRequests.concat(("POST /events/orders HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/json\r\nwebhook-id: sentinel-evt\r\nwebhook-timestamp: " + now
                    + "\r\nwebhook-signature: " + new StandardWebhooksScheme(sourceSecret, Clock.systemUTC())
                    .sign("sentinel-evt", now, event) + "\r\nContent-Length: " + event.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8), event), ANSWER_TIMEOUT);
            assertThat(recorded.status()).as(recorded.raw()).isEqualTo(200);

            List<String> secrets = new ArrayList<>(List.of(adminKey, tokenKey, sourceSecret,
                    sourceSecret.substring("whsec_".length()),
                    Files.readString(work.resolve(".baton").resolve(EmbeddedDatabase.PASSWORD_FILE)).trim()));
            List<String> tokenParts = tokens.stream().map(token -> token.substring(3, 30)).toList();
            secrets.addAll(tokens);
            secrets.addAll(tokenParts);
            Map<String, String> before = snapshot(server);

            FuzzRequests generator = new FuzzRequests(seed, new FuzzRequests.Targets(tokens, tasks, adminKey,
                    sourceSecret, event, "sentinel-evt"));
            Map<String, Integer> statuses = new TreeMap<>();
            List<String> failures = new ArrayList<>();
            long started = System.nanoTime();
            for (int i = 0; i < REQUESTS; i++) {
                FuzzRequests.Case request = generator.next();
                RawHttp.Response response = RawHttp.send(port, request.bytes(), ANSWER_TIMEOUT);
                statuses.merge(Integer.toString(response.status()), 1, Integer::sum);
                String problem = check(request, response, secrets, tokenParts);
                if (problem != null) {
                    failures.add("#" + i + " " + SecretFree.cut(request.description()) + ": " + problem);
                }
            }
            System.out.printf("FUZZ %d requests in %.1f s, answers by status: %s%n", REQUESTS,
                    (System.nanoTime() - started) / 1e9, statuses);

            Map<String, String> after = snapshot(server);
            before.forEach((table, digest) -> {
                if (!digest.equals(after.get(table))) {
                    failures.add(table + " changed: " + digest + " -> " + after.get(table));
                }
            });
            String logs = server.stdout() + server.stderr();
            for (String secret : secrets) {
                if (logs.contains(secret)) {
                    failures.add("the server's log contains a secret of this run (" + secret.length() + " chars)");
                }
            }
            logs.lines().filter(line -> line.contains(" ERROR ") || line.contains("Exception"))
                    .limit(5).forEach(line -> failures.add("the server logged: " + SecretFree.cut(line)));
            assertThat(failures).as("seed " + seed + ": requests answered wrongly (first 30)")
                    .satisfies(list -> assertThat(list.subList(0, Math.min(30, list.size()))).isEmpty());

            // Still a working node: a proper resume goes through.
            HttpResponse<String> resume = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                            + "/hooks/" + tokens.get(0))).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"approved\": true, \"by\": \"after the fuzz\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(resume.statusCode()).as(resume.body()).isEqualTo(200);
            admin.awaitState(tasks.get(0), "SUCCEEDED");
        }
    }

    /** What is wrong with the answer, or {@code null}. */
    private String check(FuzzRequests.Case request, RawHttp.Response response, List<String> secrets,
                         List<String> tokenParts) {
        if (response.status() < 0) {
            return "no HTTP answer (" + SecretFree.cut(response.raw()) + ")";
        }
        for (String secret : secrets) {
            boolean resumeUrl = secret.startsWith("bt_") || tokenParts.contains(secret);
            if (response.raw().contains(secret) && !(resumeUrl && request.mayShowResumeUrls())) {
                return "the answer carries a secret of this run";
            }
        }
        if (response.status() >= 500) {
            return "answered " + response.status() + ": " + SecretFree.cut(response.body());
        }
        if (response.status() < 400) {
            return request.mayChangeNothingButSucceed() ? null
                    : "a malformed request was answered " + response.status() + ": " + SecretFree.cut(response.body());
        }
        String type = response.header("Content-Type");
        if (type == null || !type.startsWith("application/problem+json")) {
            return "error " + response.status() + " is not problem+json but " + type;
        }
        if (request.bytes().length >= 5 && new String(request.bytes(), 0, 5, StandardCharsets.ISO_8859_1)
                .equals("HEAD ")) {
            return null; // no body to a HEAD
        }
        try {
            JsonNode problem = json.readTree(response.body());
            if (problem.path("status").asInt() != response.status() || problem.path("detail").asText().isBlank()
                    || problem.path("title").asText().isBlank()) {
                return "problem body without status, title or detail: " + SecretFree.cut(response.body());
            }
        } catch (Exception e) {
            return "error body is not JSON: " + SecretFree.cut(response.body());
        }
        return null;
    }

    /** A digest of every row of the tables a request could change. */
    private Map<String, String> snapshot(ServerProcess server) throws Exception {
        Map<String, String> digests = new LinkedHashMap<>();
        try (Connection c = server.embeddedDatabaseConnection(); Statement s = c.createStatement()) {
            for (String table : TABLES) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, '|' "
                        + "ORDER BY t::text), '')) FROM " + table + " t")) {
                    rs.next();
                    digests.put(table, rs.getString(1));
                }
            }
        }
        return digests;
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** Report text cut short, so a failure report stays readable. */
    private static final class SecretFree {
        static String cut(String text) {
            String oneLine = text.replaceAll("[\\r\\n]+", " ");
            return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
        }
    }

    /** The admin API, for setting up sentinels. */
    private final class Admin {
        private final int port;
        private final String key;

        Admin(int port, String key) {
            this.port = port;
            this.key = key;
        }

        UUID start(String body) throws Exception {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base() + "/admin/api/tasks"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            return UUID.fromString(json.readTree(response.body()).path("id").asText());
        }

        JsonNode get(UUID id) throws Exception {
            return json.readTree(http.send(HttpRequest.newBuilder(URI.create(base() + "/admin/api/tasks/" + id))
                    .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString()).body());
        }

        void awaitState(UUID id, String state) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> get(id).path("state").asText().equals(state));
        }

        String awaitResumeToken(UUID id) throws Exception {
            awaitState(id, "WAITING");
            String url = get(id).path("waits").get(0).path("resumeUrl").asText();
            return url.substring(url.lastIndexOf('/') + 1);
        }

        private String base() {
            return "http://localhost:" + port;
        }
    }
}
