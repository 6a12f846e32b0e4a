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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The admin API over real HTTP against a real node (with the bundled demo agents). */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiIT {
    private static final String KEY = "test-admin-key-0123456789abcdef";
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private TestDatabase db;
    private BatonServer server;

    @BeforeAll
    void start(TestDatabase database) {
        db = database;
        server = AdminTestServer.start(db, "admin-node", KEY, "BATON_PUBLIC_URL", "https://baton.example.com/");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(String method, String path, String key, String contentType, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + server.httpPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return send("POST", path, KEY, "application/json", body);
    }

    private JsonNode read(HttpResponse<String> response) throws IOException {
        return json.readTree(response.body());
    }

    private void assertProblem(HttpResponse<String> response, int status, String detailPart) throws IOException {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = read(response);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("title").asText()).isNotBlank();
        assertThat(problem.path("detail").asText()).contains(detailPart);
    }

    private long taskCount() {
        return (Long) db.queryValue("SELECT count(*) FROM baton_task");
    }

    @Test
    void everyAdminRouteRefusesRequestsWithoutTheRightKey() throws Exception {
        long before = taskCount();
        String body = "{\"agent\": \"demo-greeting\"}";

        HttpResponse<String> none = send("POST", "/admin/api/tasks", null, "application/json", body);
        assertProblem(none, 401, "Authorization: Bearer");
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                v -> assertThat(v).startsWith("Bearer"));
        assertProblem(send("POST", "/admin/api/tasks", "wrong-key", "application/json", body), 401, "not accepted");
        assertProblem(send("GET", "/admin/api/tasks/" + UUID.randomUUID(), null, null, null), 401, "Bearer");
        assertThat(taskCount()).isEqualTo(before);
    }

    @Test
    void aTaskStartedOverHttpRunsToCompletionAndShowsItsHistory() throws Exception {
        HttpResponse<String> created = post("/admin/api/tasks",
                "{\"agent\": \"demo-greeting\", \"input\": {\"name\": \"Ada\", \"delaySeconds\": 0}}");

        assertThat(created.statusCode()).isEqualTo(201);
        String id = read(created).path("id").asText();
        assertThat(created.headers().firstValue("Location")).hasValue("/admin/api/tasks/" + id);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                read(send("GET", "/admin/api/tasks/" + id, KEY, null, null)).path("state").asText()
                        .equals("SUCCEEDED"));
        JsonNode task = read(send("GET", "/admin/api/tasks/" + id, KEY, null, null));
        assertThat(task.path("result").path("greeting").asText()).isEqualTo("Hello, Ada!");
        assertThat(task.path("steps")).hasSize(2);
        assertThat(task.path("steps").get(0).path("step").asText()).isEqualTo("compose");
        assertThat(task.path("steps").get(1).path("outcome").asText()).isEqualTo("COMPLETE");
        assertThat(task.path("checkpoints").asInt()).isEqualTo(2);
    }

    @Test
    void aRepeatedIdempotencyKeyReturnsTheSameTaskWith200() throws Exception {
        String body = "{\"agent\": \"demo-greeting\", \"idempotencyKey\": \"welcome-ada\", \"input\": {\"delaySeconds\": 60}}";
        HttpResponse<String> first = post("/admin/api/tasks", body);
        HttpResponse<String> second = post("/admin/api/tasks", body);

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(read(second).path("id")).isEqualTo(read(first).path("id"));
        assertThat(db.queryValue("SELECT count(*) FROM baton_task WHERE idempotency_key = 'welcome-ada'"))
                .isEqualTo(1L);
    }

    @Test
    void badStartRequestsGetProblemDetailsAndStartNothing() throws Exception {
        long before = taskCount();

        assertProblem(send("POST", "/admin/api/tasks", KEY, "text/plain", "{}"), 415, "application/json");
        assertProblem(post("/admin/api/tasks", "{\"agent\": "), 400, "not valid JSON");
        assertProblem(post("/admin/api/tasks", "[1, 2]"), 400, "JSON object");
        assertProblem(post("/admin/api/tasks", "{\"input\": {}}"), 400, "'agent'");
        assertProblem(post("/admin/api/tasks", "{\"agent\": \"demo-greeting\", \"inptu\": {}}"), 400, "'inptu'");
        assertProblem(post("/admin/api/tasks", "{\"agent\": \"demo-greeting\", \"idempotencyKey\": 7}"), 400,
                "'idempotencyKey' must be a string");
        assertProblem(post("/admin/api/tasks", "{\"agent\": \"nope\"}"), 422,
                "known agents: [demo-expense, demo-greeting]");
        assertThat(taskCount()).isEqualTo(before);
    }

    @Test
    void malformedJsonAndWrongContentTypesAreRefusedLikeOnTheWebhookRoutes() throws Exception {
        long before = taskCount();
        String start = "{\"agent\": \"demo-greeting\"}";
        for (String type : List.of("application/jsonx", "application/json; charset=utf-16", "text/json",
                "application/json-patch+json")) {
            assertProblem(send("POST", "/admin/api/tasks", KEY, type, start), 415, "'Content-Type: application/json'");
        }
        assertProblem(post("/admin/api/tasks", "  "), 400, "The body is blank");
        assertProblem(post("/admin/api/tasks", "{\"agent\": \"demo-greeting\", \"agent\": \"demo-expense\"}"), 400,
                "Duplicate field 'agent'");
        assertProblem(post("/admin/api/tasks", "{\"agent\": \"demo-greeting\", \"input\": {\"n\": 1e999}}"), 400,
                "The number at '/input/n' is out of range");
        assertProblem(post("/admin/api/tasks", "{\"agent\": \"demo-greeting\", \"input\": {\"n\": \"\\u0000\"}}"),
                400, "U+0000");
        assertProblem(post("/admin/api/tasks", "{\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}"), 400,
                "nesting depth");
        assertProblem(post("/admin/api/tasks", "{\"agent\": \"demo-greeting\", \"input\": " + "5".repeat(5000) + "}"),
                400, "Number value length");
        assertProblem(post("/admin/api/tasks", "{\"agent\": \"demo-greeting\", \"idempotencyKey\": \" \"}"), 400,
                "idempotency key must be 1-200 characters");
        assertProblem(post("/admin/api/tasks", "{\"agent\": \"demo-greeting\", \"input\": \""
                + "x".repeat(AdminRoutes.MAX_BODY) + "\"}"), 413, "limit of 1048576 bytes");
        assertThat(taskCount()).isEqualTo(before);
    }

    @Test
    void aWrongMethodIs405WithAllow() throws Exception {
        HttpResponse<String> put = send("PUT", "/admin/api/tasks", KEY, "application/json", "{}");
        assertProblem(put, 405, "PUT is not allowed on /admin/api/tasks; use GET, POST, HEAD");
        assertThat(put.headers().firstValue("Allow")).hasValue("GET, POST, HEAD");
        HttpResponse<String> delete = send("DELETE", "/admin/api/tasks/" + UUID.randomUUID(), KEY, null, null);
        assertProblem(delete, 405, "use GET");
        assertThat(delete.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertProblem(send("DELETE", "/admin/api/tasks", null, null, null), 401, "Bearer");
    }

    @Test
    void readingAndCancellingUnknownOrMalformedIdsIsAnsweredClearly() throws Exception {
        assertProblem(send("GET", "/admin/api/tasks/not-a-uuid", KEY, null, null), 400, "not a task id");
        UUID unknown = UUID.randomUUID();
        assertProblem(send("GET", "/admin/api/tasks/" + unknown, KEY, null, null), 404, unknown.toString());
        assertProblem(post("/admin/api/tasks/" + unknown + "/cancel", ""), 404, unknown.toString());
        assertProblem(send("GET", "/no/such/route", null, null, null), 404, "/no/such/route");
    }

    @Test
    void aSleepingTaskCanBeCancelledOnceAndThenConflicts() throws Exception {
        String id = read(post("/admin/api/tasks", "{\"agent\": \"demo-greeting\", \"input\": {\"delaySeconds\": 600}}"))
                .path("id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                read(send("GET", "/admin/api/tasks/" + id, KEY, null, null)).path("state").asText()
                        .equals("SLEEPING"));

        HttpResponse<String> cancelled = post("/admin/api/tasks/" + id + "/cancel", "");
        assertThat(cancelled.statusCode()).isEqualTo(200);
        assertThat(read(cancelled).path("state").asText()).isEqualTo("CANCELLED");
        assertProblem(post("/admin/api/tasks/" + id + "/cancel", ""), 409, "already finished as CANCELLED");
    }

    @Test
    void theExpenseDemoWaitsShowsItsResumeUrlAndFinishesWhenTheUrlIsCalled() throws Exception {
        String id = read(post("/admin/api/tasks", "{\"agent\": \"demo-expense\", \"input\": "
                + "{\"employee\": \"Ada\", \"amount\": \"120 EUR\", \"purpose\": \"train\"}}")).path("id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                read(send("GET", "/admin/api/tasks/" + id, KEY, null, null)).path("state").asText().equals("WAITING"));
        JsonNode waiting = read(send("GET", "/admin/api/tasks/" + id, KEY, null, null));
        JsonNode wait = waiting.path("waits").get(0);
        assertThat(wait.path("state").asText()).isEqualTo("OPEN");
        assertThat(wait.path("kind").asText()).isEqualTo("TOKEN");
        String url = wait.path("resumeUrl").asText();
        assertThat(url).matches("https://baton\\.example\\.com/hooks/bt_[0-9A-Za-z]{49}");
        assertThat(waiting.path("context").toString()).doesNotContain("bt_");

        HttpResponse<String> resumed = send("POST", url.substring("https://baton.example.com".length()), null,
                "application/json", "{\"approved\": true, \"by\": \"Grace\"}");
        assertThat(resumed.statusCode()).isEqualTo(200);
        assertThat(read(resumed).path("status").asText()).isEqualTo("resumed");
        await().atMost(Duration.ofSeconds(30)).until(() ->
                read(send("GET", "/admin/api/tasks/" + id, KEY, null, null)).path("state").asText().equals("SUCCEEDED"));
        JsonNode done = read(send("GET", "/admin/api/tasks/" + id, KEY, null, null));
        assertThat(done.path("result").path("approved").asBoolean()).isTrue();
        assertThat(done.path("result").path("by").asText()).isEqualTo("Grace");
        assertThat(done.path("waits").get(0).path("state").asText()).isEqualTo("RESUMED");
        assertThat(done.path("waits").get(0).path("resumeUrl").isNull()).isTrue();
    }

    @Test
    void metricsCountEngineEvents() throws Exception {
        HttpResponse<String> metrics = send("GET", "/metrics", null, null, null);

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("baton_engine_events_total{type=\"task_started\"}");
    }

    @Test
    void callbackEndpointsAreManagedOverTheAdminApiAndTheirSecretIsShownOnlyWhenMade() throws Exception {
        long before = (Long) db.queryValue("SELECT count(*) FROM baton_callback");
        assertProblem(send("POST", "/admin/api/callbacks", null, "application/json", "{}"), 401, "Bearer");
        assertProblem(post("/admin/api/callbacks", "{\"url\": \"http://10.1.2.3/hook\", \"eventTypes\": [\"*\"]}"),
                400, "10.0.0.0/8");
        assertProblem(post("/admin/api/callbacks", "{\"url\": \"https://user:pw@127.0.0.1/\", \"eventTypes\": [\"*\"]}"),
                400, "credentials");
        assertProblem(post("/admin/api/callbacks", "{\"url\": \"http://127.0.0.1:9/h\", \"eventTypes\": [\"task.nope\"]}"),
                400, "unknown event type");
        assertProblem(post("/admin/api/callbacks", "{\"url\": \"http://127.0.0.1:9/h\", \"eventTypes\": \"*\"}"),
                400, "eventTypes");
        assertProblem(post("/admin/api/callbacks", "{\"url\": \"http://127.0.0.1:9/h\", \"eventTypes\": [1]}"),
                400, "strings");
        assertProblem(post("/admin/api/callbacks", "{\"url\": 7, \"eventTypes\": [\"*\"]}"), 400, "'url'");
        assertProblem(post("/admin/api/callbacks", "{\"url\": \"http://127.0.0.1:9/h\", \"eventTypes\": [\"*\"], "
                + "\"secret\": \"mine\"}"), 400, "Unknown field 'secret'");
        assertThat(db.queryValue("SELECT count(*) FROM baton_callback")).isEqualTo(before);

        HttpResponse<String> created = post("/admin/api/callbacks", "{\"url\": \"http://127.0.0.1:9/h\", "
                + "\"eventTypes\": [\"task.waiting\", \"task.failed\"], \"agent\": \"demo-expense\", "
                + "\"description\": \"approvals\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode made = read(created);
        String id = made.path("id").asText();
        String secret = made.path("secret").asText();
        assertThat(secret).startsWith("whsec_");
        assertThat(created.headers().firstValue("Location")).hasValue("/admin/api/callbacks/" + id);
        assertThat(made.path("eventTypes").toString()).isEqualTo("[\"task.waiting\",\"task.failed\"]");

        HttpResponse<String> listed = send("GET", "/admin/api/callbacks", KEY, null, null);
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.body()).contains(id).doesNotContain(secret).doesNotContain("\"secret\"");
        assertThat(send("GET", "/admin/api/callbacks/" + id, KEY, null, null).body()).doesNotContain(secret);
        assertProblem(send("GET", "/admin/api/callbacks/" + UUID.randomUUID(), KEY, null, null), 404, "No callback");
        assertProblem(send("GET", "/admin/api/callbacks/nope", KEY, null, null), 400, "not a callback id");
        assertThat(send("HEAD", "/admin/api/callbacks/" + UUID.randomUUID() + "/deliveries", KEY, null, null)
                .statusCode()).isEqualTo(404); // HEAD runs the GET handler: not a blind 200
        assertThat(send("HEAD", "/admin/api/tasks/" + UUID.randomUUID(), KEY, null, null).statusCode())
                .isEqualTo(404);
        HttpResponse<String> head = send("HEAD", "/admin/api/callbacks/" + id, KEY, null, null);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();

        JsonNode disabled = read(post("/admin/api/callbacks/" + id + "/disable", "{\"reason\": \"maintenance\"}"));
        assertThat(disabled.path("enabled").asBoolean()).isFalse();
        assertThat(disabled.path("disabledReason").asText()).isEqualTo("maintenance");
        assertThat(read(send("POST", "/admin/api/callbacks/" + id + "/enable", KEY, null, null)).path("enabled")
                .asBoolean()).isTrue();

        JsonNode rotated = read(post("/admin/api/callbacks/" + id + "/rotate-secret", "{\"overlapSeconds\": 3600}"));
        assertThat(rotated.path("secret").asText()).startsWith("whsec_").isNotEqualTo(secret);
        assertThat(rotated.path("previousSecretUntil").asText()).isNotBlank();
        assertProblem(post("/admin/api/callbacks/" + id + "/rotate-secret", "{\"overlapSeconds\": 99999999}"), 400,
                "overlap");

        HttpResponse<String> deliveries = send("GET", "/admin/api/callbacks/" + id + "/deliveries?limit=5", KEY, null,
                null);
        assertThat(deliveries.statusCode()).isEqualTo(200);
        assertThat(read(deliveries).path("deliveries").isArray()).isTrue();
        assertProblem(send("GET", "/admin/api/callbacks/" + id + "/deliveries?limit=0", KEY, null, null), 400, "1-500");
        assertProblem(post("/admin/api/callbacks/" + id + "/replay-failed", "{\"since\": \"yesterday\"}"), 400,
                "ISO-8601");
        assertThat(read(post("/admin/api/callbacks/" + id + "/replay-failed", "{\"since\": \"2026-01-01T00:00:00Z\"}"))
                .path("replayed").asInt()).isZero();
        assertProblem(post("/admin/api/callbacks/" + id + "/deliveries/" + UUID.randomUUID() + "/replay", "{}"), 404,
                "no delivery");

        assertThat(send("DELETE", "/admin/api/callbacks/" + id, KEY, null, null).statusCode()).isEqualTo(204);
        assertProblem(send("DELETE", "/admin/api/callbacks/" + id, KEY, null, null), 404, "No callback");
        assertThat(db.queryValue("SELECT count(*) FROM baton_callback")).isEqualTo(before);
    }
}
