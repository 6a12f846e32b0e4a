package io.baton.ops.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.ops.BatonServer;
import io.baton.testing.PostgresExtension;
import io.baton.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Keys, roles, the audit log, the task list and the OpenAPI document of the admin API, over real HTTP against a real
 * node on a real PostgreSQL.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminAccessIT {
    private static final String ADMIN = "access-it-bootstrap-key-0123456789";
    private static final List<String> WATCHED = List.of("baton_task", "baton_callback", "baton_api_key",
            "baton_audit", "baton_callback_delivery", "baton_wait", "baton_agent_pause", "baton_node",
            "baton_bulk_operation", "baton_bulk_target");
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private TestDatabase db;
    private BatonServer server;

    @BeforeAll
    void start(TestDatabase database) {
        db = database;
        server = AdminTestServer.start(db, "access-node", ADMIN);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(String method, String path, String key, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + server.httpPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ok(HttpResponse<String> response, int status) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return json.readTree(response.body());
    }

    private void assertProblem(HttpResponse<String> response, int status, String detailPart) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(json.readTree(response.body()).path("detail").asText()).contains(detailPart);
    }

    private String newKey(String role) throws Exception {
        return ok(send("POST", "/admin/api/keys", ADMIN, "{\"name\": \"" + role + " for a test\", \"role\": \""
                + role + "\"}"), 201).path("key").asText();
    }

    /** A fingerprint of what admin calls can change: it stays the same through refused calls. */
    private String fingerprint() {
        StringBuilder all = new StringBuilder();
        for (String table : WATCHED) {
            all.append(db.queryValue("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY "
                    + "t::text)), '') FROM " + table + " t")).append(';');
        }
        return all.toString();
    }

    private JsonNode openApi() throws Exception {
        return ok(send("GET", AdminRoutes.OPENAPI_PATH, null, null), 200);
    }

    private record Operation(String method, String path, String role) {
    }

    private List<Operation> documented() throws Exception {
        List<Operation> all = new ArrayList<>();
        JsonNode paths = openApi().path("paths");
        for (Iterator<String> p = paths.fieldNames(); p.hasNext(); ) {
            String path = p.next();
            paths.path(path).fields().forEachRemaining(op -> all.add(new Operation(op.getKey().toUpperCase(), path,
                    op.getValue().path("x-baton-role").asText())));
        }
        return all;
    }

    @Test
    void everyRouteAnswers401WithoutAKeyAnd403ToALowerRoleAndThenChangesNothing() throws Exception {
        Map<String, String> keys = Map.of("viewer", newKey("viewer"), "operator", newKey("operator"));
        List<String> order = List.of("viewer", "operator", "admin");
        String before = fingerprint();
        List<Operation> operations = documented();
        assertThat(operations).hasSizeGreaterThan(15);
        for (Operation op : operations) {
            String path = op.path().replaceAll("\\{[a-zA-Z]+}", UUID.randomUUID().toString());
            String body = op.method().equals("GET") || op.method().equals("DELETE") ? null : "{}";
            assertProblem(send(op.method(), path, null, body), 401, "Bearer");
            assertProblem(send(op.method(), path, "bak_" + "x".repeat(43), body), 401, "not accepted");
            for (String role : order.subList(0, order.indexOf(op.role()))) {
                assertProblem(send(op.method(), path, keys.get(role), body), 403, "needs " + op.role());
            }
        }
        assertThat(fingerprint()).isEqualTo(before);

        for (Operation op : operations) { // and the role named is enough (whatever the answer to a made-up id)
            String path = op.path().replaceAll("\\{[a-zA-Z]+}", UUID.randomUUID().toString());
            String key = op.role().equals("admin") ? ADMIN : keys.get(op.role());
            int status = send(op.method(), path, key, op.method().equals("GET") ? null : "{}").statusCode();
            assertThat(status).as(op.toString()).isNotIn(401, 403, 405, 500);
        }
    }

    @Test
    void theOpenApiDocumentDescribesExactlyTheRoutesTheServerHasWithTheirAnswers() throws Exception {
        JsonNode doc = openApi();
        assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
        Set<String> documented = new TreeSet<>();
        for (Operation op : documented()) {
            documented.add(op.method() + " " + op.path());
            JsonNode responses = doc.path("paths").path(op.path()).path(op.method().toLowerCase()).path("responses");
            assertThat(responses.has("401") && responses.has("403") && responses.has("400")).as(op.toString())
                    .isTrue();
            assertThat(responses.fieldNames()).toIterable().as(op.toString()).anyMatch(s -> s.startsWith("2"));
            assertThat(responses.path("403").path("content").has("application/problem+json")).isTrue();
        }
        Set<String> served = new TreeSet<>();
        for (String route : server.httpRoutes()) {
            String[] parts = route.split(" ", 2);
            if (parts[1].startsWith("/admin/api") && !parts[0].equals("HEAD") && !parts[0].equals("BEFORE")) {
                served.add(route);
            }
        }
        assertThat(documented).isEqualTo(served);
    }

    @Test
    void aKeyIsShownOnceListedByItsPrefixAndRevokedEverywhereWithinSeconds() throws Exception {
        JsonNode made = ok(send("POST", "/admin/api/keys", ADMIN, "{\"name\": \"ci robot\", \"role\": \"operator\"}"),
                201);
        String key = made.path("key").asText();
        assertThat(key).startsWith("bak_").hasSize(4 + 43);
        ok(send("GET", "/admin/api/tasks", key, null), 200);
        JsonNode listed = ok(send("GET", "/admin/api/keys", ADMIN, null), 200);
        assertThat(listed.toString()).doesNotContain(key).contains(made.path("prefix").asText());
        assertThat(db.dumpAllTables()).doesNotContain(key).doesNotContain(key.substring(10));

        String id = made.path("id").asText();
        ok(send("POST", "/admin/api/keys/" + id + "/revoke", ADMIN, null), 200);
        await().atMost(Duration.ofSeconds(10)).until(() -> send("GET", "/admin/api/tasks", key, null)
                .statusCode() == 401);
        assertProblem(send("POST", "/admin/api/keys/" + id + "/revoke", ADMIN, null), 409, "already revoked");
        assertProblem(send("POST", "/admin/api/keys", ADMIN, "{\"name\": \"x\", \"role\": \"root\"}"), 400,
                "viewer, operator, admin");
        assertProblem(send("POST", "/admin/api/keys", ADMIN, "{\"role\": \"viewer\"}"), 400, "'name'");

        JsonNode audit = ok(send("GET", "/admin/api/audit?target=" + id, ADMIN, null), 200);
        assertThat(audit.path("entries")).extracting(e -> e.path("action").asText() + " " + e.path("result")
                .asText()).containsExactly("key.revoke refused: 409 Key " + id + " was already revoked at "
                + audit.path("entries").get(0).path("result").asText().replaceAll(".* at ", ""), "key.revoke revoked");
    }

    @Test
    void everyChangeIsAuditedWithItsResultAndRefusalsToo() throws Exception {
        String operator = newKey("operator");
        JsonNode started = ok(send("POST", "/admin/api/tasks", operator, "{\"agent\": \"demo-greeting\", \"input\": "
                + "{\"name\": \"Ada\", \"delaySeconds\": 60}}"), 201);
        String task = started.path("id").asText();
        ok(send("POST", "/admin/api/tasks/" + task + "/cancel", operator, null), 200);
        assertProblem(send("POST", "/admin/api/tasks/" + task + "/cancel", operator, null), 409, "already finished");

        JsonNode cancels = ok(send("GET", "/admin/api/audit?action=task.cancel&target=" + task, ADMIN, null), 200);
        assertThat(cancels.path("entries")).hasSize(2);
        JsonNode refused = cancels.path("entries").get(0);
        JsonNode done = cancels.path("entries").get(1);
        assertThat(done.path("result").asText()).isEqualTo("cancelled");
        assertThat(refused.path("result").asText()).startsWith("refused: 409");
        assertThat(done.path("role").asText()).isEqualTo("operator");
        assertThat(done.path("keyId").asText()).isNotEqualTo("bootstrap").hasSize(36);
        assertThat(Instant.parse(done.path("at").asText())).isBefore(Instant.parse(refused.path("at").asText())
                .plusMillis(1));

        JsonNode starts = ok(send("GET", "/admin/api/audit?action=task.start&keyId=" + done.path("keyId").asText(),
                ADMIN, null), 200);
        assertThat(starts.path("entries")).singleElement().satisfies(e -> {
            assertThat(e.path("result").asText()).isEqualTo("started");
            assertThat(e.path("parameters").path("agent").asText()).isEqualTo("demo-greeting");
        });

        // A callback's secret is made by the server: it is in the answer, never in the audit log.
        JsonNode callback = ok(send("POST", "/admin/api/callbacks", ADMIN, "{\"url\": \"http://127.0.0.1:9/hook\", "
                + "\"eventTypes\": [\"*\"], \"secret\": \"whsec_c2hvdWxkLW5vdC1iZS1sb2dnZWQ=\"}"), 400);
        assertThat(callback.toString()).contains("Unknown field");
        assertThat(db.queryValue("SELECT count(*) FROM baton_audit WHERE parameters::text LIKE '%whsec_%'"))
                .isEqualTo(0L);

        assertProblem(send("GET", "/admin/api/audit?limit=0", ADMIN, null), 400, "'limit'");
        assertProblem(send("GET", "/admin/api/audit?from=yesterday", ADMIN, null), 400, "ISO-8601");
        assertProblem(send("GET", "/admin/api/audit", operator, null), 403, "needs admin");
    }

    @Test
    void tasksAreListedNewestFirstWithFiltersAndKeysetPages() throws Exception {
        String agent = "demo-greeting";
        Instant from = Instant.now(); // only this test's tasks (the node shares this JVM's clock)
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            made.add(0, ok(send("POST", "/admin/api/tasks", ADMIN, "{\"agent\": \"" + agent + "\", \"input\": "
                    + "{\"name\": \"n" + i + "\"}}"), 201).path("id").asText());
        }
        String query = "/admin/api/tasks?agent=" + agent + "&createdFrom=" + from + "&limit=3";
        List<String> seen = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            JsonNode page = ok(send("GET", query + (next == null ? "" : "&after=" + URLEncoder.encode(next,
                    StandardCharsets.UTF_8)), ADMIN, null), 200);
            page.path("tasks").forEach(t -> seen.add(t.path("id").asText()));
            next = page.path("next").isNull() ? null : page.path("next").asText();
            pages++;
        } while (next != null && pages < 10);
        assertThat(seen).isEqualTo(made);
        assertThat(pages).isEqualTo(3);

        await().atMost(Duration.ofSeconds(30)).until(() -> ok(send("GET", "/admin/api/tasks?state=SUCCEEDED&agent="
                + agent + "&createdFrom=" + from, ADMIN, null), 200).path("tasks").size() == 7);
        assertThat(ok(send("GET", "/admin/api/tasks?state=FAILED,CANCELLED&createdFrom=" + from, ADMIN, null), 200)
                .path("tasks")).isEmpty();
        assertThat(ok(send("GET", "/admin/api/tasks?createdFrom=" + Instant.now().plusSeconds(60), ADMIN, null), 200)
                .path("tasks")).isEmpty();

        assertProblem(send("GET", "/admin/api/tasks?state=BOGUS", ADMIN, null), 400, "not a task state");
        assertProblem(send("GET", "/admin/api/tasks?limit=501", ADMIN, null), 400, "from 1 to 500");
        assertProblem(send("GET", "/admin/api/tasks?after=not-a-cursor", ADMIN, null), 400, "cursor");
        assertProblem(send("GET", "/admin/api/tasks?stat=RUNNING", ADMIN, null), 400, "Unknown query parameter");
        assertProblem(send("GET", "/admin/api/tasks?limit=1&limit=2", ADMIN, null), 400, "more than once");
    }
}
