package io.baton.ops.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.baton.ops.BatonServer;
import io.baton.testing.PostgresExtension;
import io.baton.testing.TestDatabase;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What operators fix things with, over real HTTP against a real node on a real PostgreSQL: retrying failed tasks,
 * resuming, failing and extending waits by hand, the waits view, bulk operations, draining a node and pausing an
 * agent. Every change is checked in the database and in the audit log; every bad request changes nothing.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperationsApiIT {
    private static final String KEY = "operations-it-bootstrap-key-0123456789";
    private static final int BULK_MAX = 3;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private TestDatabase db;
    private BatonServer server;

    @BeforeAll
    void start(TestDatabase database) {
        db = database;
        server = AdminTestServer.start(db, "ops-node", KEY, "BATON_BULK_MAX", String.valueOf(BULK_MAX),
                "BATON_EVENT_SOURCES", "orders,none,/order/id,1h");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + server.httpPort() + path))
                .header("Authorization", "Bearer " + KEY)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ok(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private JsonNode get(String path) throws Exception {
        return ok(send("GET", path, null));
    }

    private void assertProblem(HttpResponse<String> response, int status, String detailPart) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(json.readTree(response.body()).path("detail").asText()).contains(detailPart);
    }

    private String startTask(String agent, String input) throws Exception {
        HttpResponse<String> created = send("POST", "/admin/api/tasks", "{\"agent\": \"" + agent + "\", \"input\": "
                + input + "}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json.readTree(created.body()).path("id").asText();
    }

    private String state(String taskId) throws Exception {
        return get("/admin/api/tasks/" + taskId).path("state").asText();
    }

    private void awaitState(String taskId, String state) {
        await().atMost(Duration.ofSeconds(30)).until(() -> state(taskId).equals(state));
    }

    /** A demo-expense task in its wait; the wait's id. */
    private String waitingExpense(String taskId) throws Exception {
        awaitState(taskId, "WAITING");
        return get("/admin/api/tasks/" + taskId).path("waits").get(0).path("id").asText();
    }

    private String fingerprint() {
        StringBuilder all = new StringBuilder();
        for (String table : List.of("baton_task", "baton_wait", "baton_audit", "baton_agent_pause", "baton_node",
                "baton_bulk_operation", "baton_bulk_target")) {
            all.append(db.queryValue("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY "
                    + "t::text)), '') FROM " + table + " t")).append(';');
        }
        return all.toString();
    }

    /** The fingerprint without the audit log (refusals are audited, and change nothing else). */
    private String withoutAudit() {
        return fingerprint().replaceAll("^(([^;]*;){2})[^;]*;", "$1");
    }

    private long auditRows(String action, String target) {
        return (Long) db.queryValue("SELECT count(*) FROM baton_audit WHERE action = ? AND target = ?", action,
                target);
    }

    @Test
    void aFailedTaskIsRetriedFromItsFailedStepOrFromANamedStepAndTheRetryIsAudited() throws Exception {
        String id = startTask("demo-greeting", "{\"name\": \"Ada\", \"delaySeconds\": -5}"); // a bad value
        awaitState(id, "FAILED");
        assertThat(get("/admin/api/tasks/" + id).path("error").path("message").asText()).isNotBlank();

        JsonNode again = ok(send("POST", "/admin/api/tasks/" + id + "/retry", ""));
        assertThat(again.path("nextStep").asText()).isEqualTo("compose");
        awaitState(id, "FAILED"); // the same bad value fails the same step again
        JsonNode failedTwice = get("/admin/api/tasks/" + id);
        assertThat(failedTwice.path("steps").findValuesAsText("outcome")).containsExactly("FAIL", "FAIL");

        ok(send("POST", "/admin/api/tasks/" + id + "/retry", "{\"fromStep\": \"deliver\"}"));
        awaitState(id, "SUCCEEDED");
        JsonNode done = get("/admin/api/tasks/" + id);
        assertThat(done.path("steps").findValuesAsText("step")).containsExactly("compose", "compose", "deliver");
        assertThat(done.path("error").isNull()).isTrue();
        assertThat(auditRows("task.retry", id)).isEqualTo(2);

        String before = withoutAudit();
        assertProblem(send("POST", "/admin/api/tasks/" + id + "/retry", "{}"), 409, "only a FAILED task");
        assertProblem(send("POST", "/admin/api/tasks/" + id + "/retry", "{\"fromStep\": 7}"), 400, "'fromStep'");
        assertProblem(send("POST", "/admin/api/tasks/" + id + "/retry", "{\"from\": \"x\"}"), 400, "'from'");
        assertProblem(send("POST", "/admin/api/tasks/00000000-0000-0000-0000-000000000000/retry", "{}"), 404,
                "No task");
        assertThat(withoutAudit()).isEqualTo(before);
        String other = startTask("demo-greeting", "{\"delaySeconds\": -1}");
        awaitState(other, "FAILED");
        assertProblem(send("POST", "/admin/api/tasks/" + other + "/retry", "{\"fromStep\": \"nope\"}"), 400,
                "has no step 'nope'");
        assertThat(state(other)).isEqualTo("FAILED");
        assertThat(auditRows("task.retry", other)).isEqualTo(1); // the refusal, recorded as one
        assertThat(db.queryValue("SELECT result FROM baton_audit WHERE action = 'task.retry' AND target = ?", other))
                .asString().startsWith("refused: 400");
    }

    @Test
    void aWaitIsResumedFailedOrExtendedByHandAndEachGoesTheWayADeliveryWould() throws Exception {
        String approved = startTask("demo-expense", "{\"employee\": \"Ada\", \"amount\": 120}");
        String approvedWait = waitingExpense(approved);
        JsonNode resumed = ok(send("POST", "/admin/api/waits/" + approvedWait + "/resume",
                "{\"payload\": {\"approved\": true, \"by\": \"ops\"}}"));
        assertThat(resumed.path("taskId").asText()).isEqualTo(approved);
        awaitState(approved, "SUCCEEDED");
        assertThat(get("/admin/api/tasks/" + approved).path("result").path("by").asText()).isEqualTo("ops");
        assertThat(auditRows("wait.resume", approvedWait)).isEqualTo(1);

        String rejected = startTask("demo-expense", "{\"employee\": \"Bo\"}");
        String rejectedWait = waitingExpense(rejected);
        ok(send("POST", "/admin/api/waits/" + rejectedWait + "/fail", "{\"reason\": \"over budget\"}"));
        awaitState(rejected, "SUCCEEDED");
        assertThat(get("/admin/api/tasks/" + rejected).path("result").path("reason").asText())
                .isEqualTo("over budget");

        String extended = startTask("demo-expense", "{\"employee\": \"Cy\", \"deadlineSeconds\": 600}");
        String extendedWait = waitingExpense(extended);
        Instant later = Instant.now().plus(Duration.ofDays(30)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        JsonNode moved = ok(send("POST", "/admin/api/waits/" + extendedWait + "/extend",
                "{\"deadline\": \"" + later + "\"}"));
        assertThat(Instant.parse(moved.path("deadline").asText())).isEqualTo(later);
        JsonNode wait = get("/admin/api/tasks/" + extended).path("waits").get(0);
        assertThat(Instant.parse(wait.path("deadline").asText())).isEqualTo(later);
        assertThat(Instant.parse(wait.path("maxDeadline").asText())).isEqualTo(later); // beyond the 7 days it had
        ok(send("POST", "/admin/api/waits/" + extendedWait + "/extend", "{\"by\": \"1d\"}"));
        assertThat(Instant.parse(get("/admin/api/tasks/" + extended).path("wakeAt").asText()))
                .isEqualTo(later.plus(Duration.ofDays(1)));

        String before = withoutAudit();
        assertProblem(send("POST", "/admin/api/waits/" + approvedWait + "/resume", "{\"payload\": {}}"), 409,
                "already ended");
        assertProblem(send("POST", "/admin/api/waits/" + extendedWait + "/fail", "{}"), 400, "'reason'");
        assertProblem(send("POST", "/admin/api/waits/" + extendedWait + "/extend", "{\"deadline\": \"tomorrow\"}"),
                400, "ISO-8601");
        assertProblem(send("POST", "/admin/api/waits/" + extendedWait + "/extend",
                "{\"deadline\": \"2001-01-01T00:00:00Z\"}"), 400, "in the future");
        assertProblem(send("POST", "/admin/api/waits/" + extendedWait + "/extend", "{\"by\": \"-5m\"}"), 400,
                "positive duration");
        assertProblem(send("POST", "/admin/api/waits/" + extendedWait + "/extend", "{\"by\": \"1h\", \"deadline\": "
                + "\"2030-01-01T00:00:00Z\"}"), 400, "either");
        assertProblem(send("POST", "/admin/api/waits/not-a-uuid/resume", "{}"), 400, "wait id");
        assertProblem(send("POST", "/admin/api/waits/00000000-0000-0000-0000-000000000000/resume", "{}"), 404,
                "No wait");
        // the refusals are audited, nothing else changed
        assertThat(withoutAudit())
                .isEqualTo(before);
        assertThat(state(extended)).isEqualTo("WAITING");
    }

    @Test
    void theWaitsViewShowsOpenWaitsWithTheirAgentDeadlineAndWhetherTheirAnnouncementWasDelivered()
            throws Exception {
        List<String> received = new ArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            synchronized (received) {
                received.add(new String(exchange.getRequestBody().readAllBytes()));
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            HttpResponse<String> registered = send("POST", "/admin/api/callbacks", "{\"url\": \"http://127.0.0.1:"
                    + receiver.getAddress().getPort() + "/hook\", \"eventTypes\": [\"task.waiting\"]}");
            assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
            String soon = startTask("demo-expense", "{\"employee\": \"Di\", \"deadlineSeconds\": 300}");
            String late = startTask("demo-expense", "{\"employee\": \"Ed\", \"deadlineSeconds\": 86400}");
            String soonWait = waitingExpense(soon);
            waitingExpense(late);

            await().atMost(Duration.ofSeconds(30)).until(() -> row(get("/admin/api/waits?agent=demo-expense"),
                    soonWait).path("waitingCallback").asText().equals("delivered"));
            JsonNode row = row(get("/admin/api/waits?agent=demo-expense"), soonWait);
            assertThat(row.path("taskId").asText()).isEqualTo(soon);
            assertThat(row.path("kind").asText()).isEqualTo("TOKEN");
            assertThat(row.path("state").asText()).isEqualTo("OPEN");
            assertThat(row.path("deadline").asText()).isNotBlank();

            JsonNode expiring = get("/admin/api/waits?expiringWithin=10m&agent=demo-expense");
            assertThat(expiring.path("waits").findValuesAsText("taskId")).contains(soon).doesNotContain(late);
            JsonNode page = get("/admin/api/waits?limit=1");
            assertThat(page.path("waits")).hasSize(1);
            assertThat(get("/admin/api/waits?limit=1&after=" + page.path("next").asText()).path("waits").get(0)
                    .path("id")).isNotEqualTo(page.path("waits").get(0).path("id"));

            assertProblem(send("GET", "/admin/api/waits?expiringWithin=soon", null), 400, "positive duration");
            assertProblem(send("GET", "/admin/api/waits?state=RESUMED", null), 400, "not a state this list shows");
            assertProblem(send("GET", "/admin/api/waits?after=zzz", null), 400, "cursor");
            assertProblem(send("GET", "/admin/api/waits?agnet=x", null), 400, "'agnet'");
        } finally {
            receiver.stop(0);
        }
    }

    private static JsonNode row(JsonNode page, String waitId) {
        for (JsonNode w : page.path("waits")) {
            if (w.path("id").asText().equals(waitId)) {
                return w;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    @Test
    void aBulkCancelIsPlannedByADryRunCappedAppliedOnceWithItsTokenAndAudited() throws Exception {
        String since = Instant.now().minusMillis(1).toString();
        List<String> sleeping = new ArrayList<>();
        for (int i = 0; i < BULK_MAX + 2; i++) {
            sleeping.add(startTask("demo-greeting", "{\"name\": \"bulk-" + i + "\", \"delaySeconds\": 3600}"));
        }
        for (String id : sleeping) {
            awaitState(id, "SLEEPING");
        }
        String plan = "{\"action\": \"cancel\", \"filter\": {\"agent\": \"demo-greeting\", \"state\": \"SLEEPING\", "
                + "\"createdFrom\": \"" + since + "\"}}";
        String before = fingerprint();
        JsonNode dryRun = ok(send("POST", "/admin/api/bulk/dry-run", plan));
        assertThat(dryRun.path("matched").asLong()).isEqualTo(BULK_MAX + 2);
        assertThat(dryRun.path("selected").asInt()).isEqualTo(BULK_MAX);
        assertThat(dryRun.path("capped").asBoolean()).isTrue();
        assertThat(dryRun.path("sample").findValuesAsText("")).isEmpty();
        List<String> sample = new ArrayList<>();
        dryRun.path("sample").forEach(n -> sample.add(n.asText()));
        assertThat(sample).hasSize(BULK_MAX).isSubsetOf(sleeping);
        String token = dryRun.path("token").asText();
        assertThat(token).startsWith("bbt_");
        for (String id : sleeping) {
            assertThat(state(id)).isEqualTo("SLEEPING"); // a dry run changes no task
        }
        assertThat(db.dumpAllTables()).doesNotContain(token); // only its hash is kept

        JsonNode report = ok(send("POST", "/admin/api/bulk/apply", "{\"token\": \"" + token + "\"}"));
        assertThat(report.path("applied").asInt()).isEqualTo(BULK_MAX);
        assertThat(report.path("skipped").asInt()).isZero();
        assertThat(report.path("alreadyApplied").asBoolean()).isFalse();
        for (String id : sleeping) {
            assertThat(state(id)).isEqualTo(sample.contains(id) ? "CANCELLED" : "SLEEPING");
            assertThat(auditRows("task.cancel", id)).isEqualTo(sample.contains(id) ? 1 : 0);
        }
        assertThat(db.queryValue("SELECT count(*) FROM baton_audit WHERE action IN ('bulk.dry-run', 'bulk.apply')"
                + " AND at >= ?::timestamptz", since)).isEqualTo(2L);

        String afterApply = withoutAudit();
        JsonNode second = ok(send("POST", "/admin/api/bulk/apply", "{\"token\": \"" + token + "\"}"));
        assertThat(second.path("alreadyApplied").asBoolean()).isTrue();
        assertThat(second.path("applied").asInt()).isEqualTo(BULK_MAX);
        assertThat(withoutAudit())
                .isEqualTo(afterApply);

        JsonNode rest = ok(send("POST", "/admin/api/bulk/dry-run", plan));
        assertThat(rest.path("matched").asInt()).isEqualTo(2);
        assertThat(ok(send("POST", "/admin/api/bulk/apply", "{\"token\": \"" + rest.path("token").asText() + "\"}"))
                .path("applied").asInt()).isEqualTo(2);
        for (String id : sleeping) {
            assertThat(state(id)).isEqualTo("CANCELLED");
        }
        assertThat(before).isNotEqualTo(fingerprint());
    }

    @Test
    void bulkRetryResumeAndExtendActOnlyOnTasksInAStateTheyFit() throws Exception {
        String since = Instant.now().minusMillis(1).toString();
        String failed = startTask("demo-greeting", "{\"delaySeconds\": -3}");
        awaitState(failed, "FAILED");
        JsonNode retry = ok(send("POST", "/admin/api/bulk/dry-run", "{\"action\": \"retry\", \"filter\": "
                + "{\"createdFrom\": \"" + since + "\"}, \"parameters\": {\"fromStep\": \"deliver\"}}"));
        assertThat(retry.path("matched").asInt()).isEqualTo(1);
        ok(send("POST", "/admin/api/bulk/apply", "{\"token\": \"" + retry.path("token").asText() + "\"}"));
        awaitState(failed, "SUCCEEDED");

        String since2 = Instant.now().minusMillis(1).toString();
        String a = startTask("demo-expense", "{\"employee\": \"Fa\", \"deadlineSeconds\": 600}");
        String b = startTask("demo-expense", "{\"employee\": \"Gu\", \"deadlineSeconds\": 600}");
        waitingExpense(a);
        waitingExpense(b);
        String filter = "\"filter\": {\"agent\": \"demo-expense\", \"createdFrom\": \"" + since2 + "\"}";
        JsonNode extend = ok(send("POST", "/admin/api/bulk/dry-run", "{\"action\": \"extend\", " + filter
                + ", \"parameters\": {\"by\": \"2h\"}}"));
        assertThat(extend.path("matched").asInt()).isEqualTo(2);
        Instant deadlineBefore = Instant.parse(get("/admin/api/tasks/" + a).path("wakeAt").asText());
        assertThat(ok(send("POST", "/admin/api/bulk/apply", "{\"token\": \"" + extend.path("token").asText()
                + "\"}")).path("applied").asInt()).isEqualTo(2);
        assertThat(Instant.parse(get("/admin/api/tasks/" + a).path("wakeAt").asText()))
                .isEqualTo(deadlineBefore.plus(Duration.ofHours(2)));

        JsonNode resume = ok(send("POST", "/admin/api/bulk/dry-run", "{\"action\": \"resume\", " + filter
                + ", \"parameters\": {\"payload\": {\"approved\": true, \"by\": \"bulk\"}}}"));
        ok(send("POST", "/admin/api/bulk/apply", "{\"token\": \"" + resume.path("token").asText() + "\"}"));
        awaitState(a, "SUCCEEDED");
        awaitState(b, "SUCCEEDED");
        assertThat(get("/admin/api/tasks/" + b).path("result").path("by").asText()).isEqualTo("bulk");

        String before = withoutAudit();
        assertProblem(send("POST", "/admin/api/bulk/dry-run", "{\"action\": \"delete\"}"), 400, "not a bulk action");
        assertProblem(send("POST", "/admin/api/bulk/dry-run", "{\"action\": \"extend\"}"), 400, "'deadline'");
        assertProblem(send("POST", "/admin/api/bulk/dry-run", "{\"action\": \"cancel\", \"filter\": {\"state\": 3}}"),
                400, "must be a string");
        assertProblem(send("POST", "/admin/api/bulk/dry-run", "{\"action\": \"cancel\", \"filter\": {\"sate\": "
                + "\"FAILED\"}}"), 400, "'sate'");
        assertProblem(send("POST", "/admin/api/bulk/dry-run", "{\"action\": \"cancel\", \"parameters\": {\"by\": "
                + "\"1h\"}}"), 400, "'by'");
        assertProblem(send("POST", "/admin/api/bulk/apply", "{\"token\": \"bbt_nope\"}"), 404, "No bulk operation");
        assertProblem(send("POST", "/admin/api/bulk/apply", "{}"), 400, "'token'");
        assertThat(withoutAudit())
                .isEqualTo(before);
    }

    @Test
    void twoAppliesAtOnceActOnEachTaskOnceAndAWaitThatEndedAfterTheDryRunIsLeftAlone() throws Exception {
        String since = Instant.now().minusMillis(1).toString();
        List<String> sleeping = new ArrayList<>();
        for (int i = 0; i < BULK_MAX; i++) {
            sleeping.add(startTask("demo-greeting", "{\"name\": \"twice-" + i + "\", \"delaySeconds\": 3600}"));
        }
        for (String id : sleeping) {
            awaitState(id, "SLEEPING");
        }
        String token = ok(send("POST", "/admin/api/bulk/dry-run", "{\"action\": \"cancel\", \"filter\": "
                + "{\"agent\": \"demo-greeting\", \"createdFrom\": \"" + since + "\"}}")).path("token").asText();
        String apply = "{\"token\": \"" + token + "\"}";
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var first = pool.submit(() -> send("POST", "/admin/api/bulk/apply", apply));
            var second = pool.submit(() -> send("POST", "/admin/api/bulk/apply", apply));
            int applied = 0;
            for (HttpResponse<String> answer : List.of(first.get(), second.get())) {
                assertThat(answer.statusCode()).as(answer.body()).isIn(200, 409);
                if (answer.statusCode() == 200 && !json.readTree(answer.body()).path("alreadyApplied").asBoolean()) {
                    applied += json.readTree(answer.body()).path("applied").asInt();
                }
            }
            assertThat(applied).isEqualTo(BULK_MAX);
        } finally {
            pool.shutdown();
        }
        for (String id : sleeping) {
            assertThat(state(id)).isEqualTo("CANCELLED");
            assertThat(auditRows("task.cancel", id)).isEqualTo(1);
        }

        String since2 = Instant.now().minusMillis(1).toString();
        String expense = startTask("demo-expense", "{\"employee\": \"Io\", \"deadlineSeconds\": 600}");
        String waitId = waitingExpense(expense);
        String extend = ok(send("POST", "/admin/api/bulk/dry-run", "{\"action\": \"extend\", \"filter\": "
                + "{\"agent\": \"demo-expense\", \"createdFrom\": \"" + since2 + "\"}, \"parameters\": "
                + "{\"by\": \"1h\"}}")).path("token").asText();
        ok(send("POST", "/admin/api/waits/" + waitId + "/resume", "{\"payload\": {\"approved\": true}}"));
        JsonNode report = ok(send("POST", "/admin/api/bulk/apply", "{\"token\": \"" + extend + "\"}"));
        assertThat(report.path("applied").asInt()).isZero();
        assertThat(report.path("skipped").asInt()).isEqualTo(1);
        assertThat(db.queryValue("SELECT detail FROM baton_bulk_target WHERE task_id = ?::uuid", expense))
                .asString().contains("not open any more");
        assertProblem(send("POST", "/admin/api/bulk/dry-run", "{\"action\": \"extend\", \"parameters\": "
                + "{\"deadline\": \"+100000-01-01T00:00:00Z\"}}"), 400, "between the years 1 and 9999");
        assertProblem(send("POST", "/admin/api/bulk/dry-run", "{\"action\": \"extend\", \"parameters\": "
                + "{\"deadline\": \"2001-01-01T00:00:00Z\"}}"), 400, "in the future");
    }

    @Test
    void aPausedAgentsTasksStayQueuedUntilItIsResumed() throws Exception {
        JsonNode agents = get("/admin/api/agents");
        assertThat(agents.path("agents").findValuesAsText("name")).contains("demo-greeting", "demo-expense");
        ok(send("POST", "/admin/api/agents/demo-greeting/pause", ""));
        try {
            assertProblem(send("POST", "/admin/api/agents/demo-greeting/pause", ""), 409, "already paused");
            String id = startTask("demo-greeting", "{\"delaySeconds\": 0}");
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .until(() -> state(id).equals("RUNNABLE"));
            JsonNode paused = get("/admin/api/agents").path("agents");
            for (JsonNode a : paused) {
                assertThat(a.path("paused").asBoolean()).isEqualTo(a.path("name").asText().equals("demo-greeting"));
            }
            ok(send("POST", "/admin/api/agents/demo-greeting/resume", ""));
            awaitState(id, "SUCCEEDED");
        } finally {
            send("POST", "/admin/api/agents/demo-greeting/resume", "");
        }
        assertProblem(send("POST", "/admin/api/agents/demo-greeting/resume", ""), 409, "not paused");
        assertProblem(send("POST", "/admin/api/agents/nobody/pause", ""), 404, "No agent named 'nobody'");
        assertThat(auditRows("agent.pause", "demo-greeting")).isEqualTo(2); // the pause and the refused repeat
    }

    @Test
    void aNodeInStandbyClaimsNothingUntilActivatedAndTheNodesViewSaysSo() throws Exception {
        JsonNode node = get("/admin/api/nodes").path("nodes").get(0);
        assertThat(node.path("name").asText()).isEqualTo("ops-node");
        assertThat(node.path("alive").asBoolean()).isTrue();
        assertThat(node.path("standby").asBoolean()).isFalse();
        assertThat(node.path("version").asText()).isNotBlank();

        assertThat(ok(send("POST", "/admin/api/nodes/ops-node/standby", "")).path("standby").asBoolean()).isTrue();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> server.node().inStandby());
            String id = startTask("demo-greeting", "{\"delaySeconds\": 0}");
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4))
                    .until(() -> state(id).equals("RUNNABLE"));
            ok(send("POST", "/admin/api/nodes/ops-node/activate", ""));
            awaitState(id, "SUCCEEDED");
        } finally {
            send("POST", "/admin/api/nodes/ops-node/activate", "");
        }
        assertThat(get("/admin/api/nodes").path("nodes").get(0).path("standby").asBoolean()).isFalse();
        assertProblem(send("POST", "/admin/api/nodes/elsewhere/standby", ""), 404, "No node named 'elsewhere'");
        assertThat(auditRows("node.standby", "ops-node")).isEqualTo(1);
        JsonNode source = get("/admin/api/event-sources").path("eventSources").get(0);
        assertThat(source.path("name").asText()).isEqualTo("orders");
        assertThat(source.path("url").asText()).endsWith("/events/orders");
        assertThat(source.path("scheme").asText()).isEqualTo("none");
        assertThat(source.path("correlationPointer").asText()).isEqualTo("/order/id");
        assertThat(source.path("openWaits").asLong()).isZero();
        assertThat(source.has("secret")).isFalse();
    }

    @Test
    void metricsShowTasksByStateWaitsStepDurationsAndResumeLatency() throws Exception {
        String id = startTask("demo-expense", "{\"employee\": \"Hu\"}");
        ok(send("POST", "/admin/api/waits/" + waitingExpense(id) + "/resume", "{\"payload\": {\"approved\": true}}"));
        awaitState(id, "SUCCEEDED");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String metrics = send("GET", "/metrics", null).body();
            long succeeded = (Long) db.queryValue(
                    "SELECT count(*) FROM baton_task WHERE agent = 'demo-expense' AND state = 'SUCCEEDED'");
            assertThat(metrics).contains("baton_tasks{agent=\"demo-expense\",state=\"SUCCEEDED\"} " + succeeded + ".0");
            long open = (Long) db.queryValue("SELECT count(*) FROM baton_wait WHERE state = 'OPEN'");
            assertThat(metrics).contains("baton_waits_open " + open + ".0");
            assertThat(metrics).contains("baton_waits_expiring ");
            assertThat(metrics).containsPattern(
                    "baton_step_duration_seconds_count\\{agent=\"demo-expense\",outcome=\"completed\",step=\"act\"} [1-9]");
            assertThat(metrics).containsPattern("baton_task_pickup_seconds_count\\{after=\"resume\"} [1-9]");
            assertThat(metrics).containsPattern("baton_task_pickup_seconds_count\\{after=\"start\"} [1-9]");
        });
    }
}
