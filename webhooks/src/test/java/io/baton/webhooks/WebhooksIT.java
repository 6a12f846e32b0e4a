package io.baton.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.agent.Agent;
import io.baton.agent.StepOutcome;
import io.baton.task.TaskState;
import io.baton.testing.PostgresExtension;
import io.baton.testing.TestDatabase;
import io.baton.wait.EventSource;
import io.baton.wait.ResumeToken;
import io.baton.agent.Wait;
import io.baton.signature.StandardWebhooksScheme;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The inbound webhook API over real HTTP against two real nodes on one PostgreSQL: every status code, and proof
 * that a 4xx changes nothing.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhooksIT {
    private static final String WAIT_SECRET = "whsec_" + Base64.getEncoder().encodeToString(
            "wait-signing-secret-32-bytes-long".getBytes());
    private static final String SOURCE_SECRET = "whsec_" + Base64.getEncoder().encodeToString(
            "orders-source-secret-32-bytes-ok".getBytes());
    private final ObjectMapper json = new ObjectMapper();
    private final Map<UUID, String> tokens = new ConcurrentHashMap<>();
    private final Map<UUID, CountDownLatch> holds = new ConcurrentHashMap<>();
    private TestDatabase db;
    private WebhookNode a;
    private WebhookNode b;

    @BeforeAll
    void start(TestDatabase database) {
        db = database;
        List<Agent> agents = List.of(approval(), listener(), Agent.named("linker")
                .step("mint-and-go", ctx -> {
                    tokens.put(ctx.taskId(), ctx.resumeLink().token());
                    return StepOutcome.complete("did not wait");
                }).build(), Agent.named("late-linker")
                .step("hold-then-mint", ctx -> {
                    holds.computeIfAbsent(ctx.taskId(), k -> new CountDownLatch(1)).await(30, TimeUnit.SECONDS);
                    tokens.put(ctx.taskId(), ctx.resumeLink().token());
                    return StepOutcome.await(Wait.token(Duration.ofMinutes(1)).build());
                }).build());
        List<EventSource> sources = List.of(new EventSource("orders", "standard-webhooks", SOURCE_SECRET, "/order/id",
                Duration.ofMinutes(10)));
        a = new WebhookNode(db, "hooks-a", agents, sources);
        b = new WebhookNode(db, "hooks-b", agents, sources);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            assertNoPlaintextTokenInTheDatabase();
        } finally {
            a.close();
            b.close();
        }
    }

    private Agent approval() {
        return Agent.named("approval")
                .step("ask", ctx -> {
                    tokens.put(ctx.taskId(), ctx.resumeLink().token());
                    if (ctx.input().path("hold").asBoolean()) {
                        holds.computeIfAbsent(ctx.taskId(), k -> new CountDownLatch(1)).await(30, TimeUnit.SECONDS);
                    }
                    Wait.Builder wait = Wait.token(Duration.ofMillis(ctx.input().path("timeoutMillis").asLong(60_000)))
                            .onTimeout("timed-out").onFailure("failed");
                    if (ctx.input().has("maxMillis")) {
                        wait.extendableUpTo(Duration.ofMillis(ctx.input().path("maxMillis").asLong()));
                    }
                    if (ctx.input().path("signed").asBoolean()) {
                        wait.requireSignature(WAIT_SECRET);
                    }
                    return StepOutcome.await(wait.build());
                })
                .step("done", ctx -> StepOutcome.complete(ctx.resumedWith()))
                .step("timed-out", ctx -> StepOutcome.complete("timed out"))
                .step("failed", ctx -> StepOutcome.complete(json.createObjectNode()
                        .put("failedBecause", ctx.resumedWith().path("reason").asText())))
                .build();
    }

    private Agent listener() {
        return Agent.named("listener")
                .step("listen", ctx -> StepOutcome.await(Wait.event("orders", ctx.input().path("order").asText(),
                        Duration.ofMinutes(1)).build()))
                .step("done", ctx -> StepOutcome.complete(ctx.resumedWith()))
                .build();
    }

    private UUID start(String agent, String input) throws Exception {
        return a.node.tasks().start(agent, json.readTree(input), null).task().id();
    }

    private TaskState state(UUID id) {
        return a.node.tasks().find(id).orElseThrow().task().state();
    }

    private UUID startWaiting(String input) throws Exception {
        UUID id = start("approval", input);
        await().atMost(Duration.ofSeconds(20)).until(() -> state(id) == TaskState.WAITING);
        return id;
    }

    private JsonNode result(UUID id) {
        await().atMost(Duration.ofSeconds(20)).until(() -> state(id).isTerminal());
        return a.node.tasks().find(id).orElseThrow().task().result();
    }

    /** The engine events of one type for a task, from both nodes. */
    private List<io.baton.event.EngineEvent> eventsOf(io.baton.event.EngineEvent.Type type, UUID task) {
        List<io.baton.event.EngineEvent> all = new ArrayList<>(a.events.of(type, task));
        all.addAll(b.events.of(type, task));
        return all;
    }

    private JsonNode read(HttpResponse<String> response) throws Exception {
        return json.readTree(response.body());
    }

    /** Everything a delivery could change, to prove a refused one changed nothing. */
    private String snapshot() {
        return String.valueOf(db.queryValue("""
                SELECT concat_ws('|',
                  (SELECT string_agg(id || state || attempt || updated_at, ',' ORDER BY id) FROM baton_task),
                  (SELECT string_agg(id || state || coalesce(deadline::text, ''), ',' ORDER BY id) FROM baton_wait),
                  (SELECT count(*) FROM baton_delivery), (SELECT count(*) FROM baton_inbox))"""));
    }

    private void assertProblem(HttpResponse<String> response, int status, String detail) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(read(response).path("detail").asText()).contains(detail);
    }

    private void assertRefusedWithoutChange(int status, String detail, Callable call) throws Exception {
        String before = snapshot();
        assertProblem(call.send(), status, detail);
        assertThat(snapshot()).isEqualTo(before);
    }

    @FunctionalInterface
    private interface Callable {
        HttpResponse<String> send() throws Exception;
    }

    /** A repeat of a recorded delivery: the first receipt, byte for byte, marked as replayed. */
    private void assertReplayOf(HttpResponse<String> first, HttpResponse<String> repeat) {
        assertThat(first.headers().firstValue(WebhookRoutes.REPLAYED_HEADER)).isEmpty();
        assertThat(repeat.statusCode()).isEqualTo(first.statusCode());
        assertThat(repeat.headers().firstValue(WebhookRoutes.REPLAYED_HEADER)).hasValue("true");
        assertThat(repeat.body()).isEqualTo(first.body());
    }

    private static boolean replayed(HttpResponse<String> response) {
        return response.headers().firstValue(WebhookRoutes.REPLAYED_HEADER).isPresent();
    }

    @Test
    void aDeliveryResumesTheTaskWhichGetsThePayloadAndRepeatsGetTheFirstReceiptOrConflict() throws Exception {
        UUID id = startWaiting("{}");
        String path = "/hooks/" + tokens.get(id);

        HttpResponse<String> first = a.postJson(path, "{\"approved\": true}", Map.of("webhook-id", "msg-1"));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(read(first).path("status").asText()).isEqualTo("resumed");
        assertThat(read(first).path("tasks").get(0).asText()).isEqualTo(id.toString());
        assertThat(result(id).path("approved").asBoolean()).isTrue();

        String before = snapshot();
        assertReplayOf(first, b.postJson(path, "{\"approved\": true}", Map.of("webhook-id", "msg-1")));
        assertReplayOf(first, b.postJson(path, "{ \"approved\" : true }", Map.of()));
        assertReplayOf(first, a.postJson(path, "{\"approved\":true}", Map.of("webhook-id", "msg-3")));
        assertThat(snapshot()).isEqualTo(before);
        assertRefusedWithoutChange(409, "different payload",
                () -> a.postJson(path, "{\"approved\": false}", Map.of("webhook-id", "msg-2")));
        assertRefusedWithoutChange(409, "different payload",
                () -> a.postJson(path, "{\"approved\": false}", Map.of("webhook-id", "msg-1")));
    }

    @Test
    void unknownTokensAre404AndChangeNothing() throws Exception {
        String wellFormed = ResumeToken.generate(new SecureRandom()).value();
        assertRefusedWithoutChange(404, "No wait has this resume token",
                () -> a.postJson("/hooks/" + wellFormed, "{}", Map.of()));
        assertRefusedWithoutChange(404, "No wait has this resume token",
                () -> a.postJson("/hooks/bt_garbage", "{}", Map.of()));
        assertRefusedWithoutChange(404, "No wait", () -> a.postJson("/hooks/" + wellFormed + "/heartbeat", "", Map.of()));
        assertRefusedWithoutChange(404, "No event source named 'nope'",
                () -> a.postJson("/events/nope", "{}", Map.of()));
    }

    @Test
    void badBodiesAre413Or415Or400AndChangeNothing() throws Exception {
        UUID id = startWaiting("{}");
        String path = "/hooks/" + tokens.get(id);
        byte[] big = ("{\"x\": \"" + "a".repeat(WebhookNode.MAX_BODY) + "\"}").getBytes();

        assertRefusedWithoutChange(413, "larger than this route's limit of 4096 bytes",
                () -> a.post(path, "application/json", big, Map.of()));
        assertRefusedWithoutChange(415, "application/json", () -> a.post(path, "text/plain", "{}".getBytes(), Map.of()));
        assertRefusedWithoutChange(415, "application/json", () -> a.post(path, null, "{}".getBytes(), Map.of()));
        assertRefusedWithoutChange(400, "not valid JSON", () -> a.postJson(path, "{\"approved\": ", Map.of()));
        assertRefusedWithoutChange(400, "empty", () -> a.postJson(path, "", Map.of()));
        assertRefusedWithoutChange(400, "longer than 200", () -> a.postJson(path, "{}",
                Map.of("Idempotency-Key", "k".repeat(201))));
        assertThat(state(id)).isEqualTo(TaskState.WAITING);
    }

    /** Bodies every route must refuse with 400 or 415 and a detail naming the problem. */
    private static Map<String, byte[]> malformedBodies() {
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        bodies.put("blank", " \n\t ".getBytes(StandardCharsets.UTF_8));
        bodies.put("nesting depth (65) exceeds the maximum allowed (64)",
                ("{\"x\":" + "[".repeat(1000) + "]".repeat(1000) + "}").getBytes(StandardCharsets.UTF_8));
        bodies.put("Number value length (2000) exceeds the maximum allowed (1000)",
                ("{\"x\":" + "7".repeat(2000) + "}").getBytes(StandardCharsets.UTF_8));
        bodies.put("The number at '/x' is out of range", "{\"x\": 1e999}".getBytes(StandardCharsets.UTF_8));
        bodies.put("Duplicate field 'x'", "{\"x\": 1, \"x\": 2}".getBytes(StandardCharsets.UTF_8));
        bodies.put("The string at '/x' contains the character U+0000",
                "{\"x\": \"a\\u0000b\"}".getBytes(StandardCharsets.UTF_8));
        bodies.put("unpaired UTF-16 surrogate", "{\"x\": \"\\ud800\"}".getBytes(StandardCharsets.UTF_8));
        bodies.put("not valid UTF-8", new byte[] {'{', '"', 'x', '"', ':', '"', (byte) 0xff, '"', '}'});
        bodies.put("not valid JSON", "{\"x\": 1} {\"y\": 2}".getBytes(StandardCharsets.UTF_8));
        return bodies;
    }

    @Test
    void malformedJsonGets400WithWhatIsWrongOnEveryRouteAndChangesNothing() throws Exception {
        UUID id = startWaiting("{}");
        String path = "/hooks/" + tokens.get(id);
        StandardWebhooksScheme signer = new StandardWebhooksScheme(SOURCE_SECRET, Clock.systemUTC());
        long now = System.currentTimeMillis() / 1000;
        for (Map.Entry<String, byte[]> bad : malformedBodies().entrySet()) {
            byte[] body = bad.getValue();
            for (String route : List.of(path, path + "/fail", path + "/heartbeat")) {
                assertRefusedWithoutChange(400, bad.getKey(), () -> a.post(route, "application/json", body, Map.of()));
            }
            assertRefusedWithoutChange(400, bad.getKey(), () -> b.post("/events/orders", "application/json", body,
                    Map.of("webhook-id", "bad", "webhook-timestamp", Long.toString(now),
                            "webhook-signature", signer.sign("bad", now, body))));
        }
        for (String type : List.of("application/jsonx", "application/json; charset=utf-16", "text/json",
                "application/json; version=2", "application/vnd.api+json")) {
            assertRefusedWithoutChange(415, "application/json", () -> a.post(path, type, "{}".getBytes(), Map.of()));
            assertRefusedWithoutChange(415, "application/json", () -> a.post(path + "/fail", type, "{}".getBytes(),
                    Map.of()));
        }
        assertThat(a.post(path, "Application/JSON; Charset=\"UTF-8\"", "{\"ok\": 1}".getBytes(), Map.of())
                .statusCode()).isEqualTo(200);
        assertThat(result(id).path("ok").asInt()).isEqualTo(1);
    }

    @Test
    void aFailureNeedsAJsonObjectWithAStringReasonLikeAnyOtherDelivery() throws Exception {
        UUID id = startWaiting("{}");
        String path = "/hooks/" + tokens.get(id) + "/fail";
        assertRefusedWithoutChange(400, "empty", () -> a.postJson(path, "", Map.of()));
        assertRefusedWithoutChange(415, "no Content-Type", () -> a.post(path, null, new byte[0], Map.of()));
        assertRefusedWithoutChange(415, "text/plain", () -> a.post(path, "text/plain", "no".getBytes(), Map.of()));
        assertRefusedWithoutChange(400, "must be a JSON object", () -> a.postJson(path, "[\"no\"]", Map.of()));
        assertRefusedWithoutChange(400, "'reason' must be a string", () -> a.postJson(path, "{\"reason\": 7}", Map.of()));
        assertRefusedWithoutChange(400, "longer than 200", () -> a.postJson(path, "{}",
                Map.of("webhook-id", "k".repeat(201))));

        assertThat(a.postJson(path, "{\"reason\": \"no budget\"}", Map.of()).statusCode()).isEqualTo(200);
        assertThat(result(id).path("failedBecause").asText()).isEqualTo("no budget");
    }

    @Test
    void anEventsCorrelationKeyMustBeANonEmptyStringOrIntegerOfAtMost200Characters() throws Exception {
        StandardWebhooksScheme signer = new StandardWebhooksScheme(SOURCE_SECRET, Clock.systemUTC());
        long now = System.currentTimeMillis() / 1000;
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("{\"order\": {\"id\": true}}", "not a boolean");
        refused.put("{\"order\": {\"id\": 12.5}}", "not a fractional number");
        refused.put("{\"order\": {\"id\": null}}", "not null");
        refused.put("{\"order\": {\"id\": [\"o\"]}}", "not an array");
        refused.put("{\"order\": {\"id\": \"  \"}}", "not blank");
        refused.put("{\"order\": {\"id\": \"" + "k".repeat(201) + "\"}}", "must be 1-200 characters, not 201");
        for (Map.Entry<String, String> event : refused.entrySet()) {
            byte[] body = event.getKey().getBytes(StandardCharsets.UTF_8);
            assertRefusedWithoutChange(400, event.getValue(), () -> a.post("/events/orders", "application/json", body,
                    Map.of("webhook-id", "k", "webhook-timestamp", Long.toString(now),
                            "webhook-signature", signer.sign("k", now, body))));
        }

        UUID waiting = start("listener", "{\"order\": \"4711\"}");
        await().atMost(Duration.ofSeconds(20)).until(() -> state(waiting) == TaskState.WAITING);
        byte[] numeric = "{\"order\": {\"id\": 4711}}".getBytes(StandardCharsets.UTF_8);
        assertThat(read(a.post("/events/orders", "application/json", numeric, Map.of("webhook-id", "n",
                "webhook-timestamp", Long.toString(now), "webhook-signature", signer.sign("n", now, numeric))))
                .path("status").asText()).isEqualTo("resumed");
        assertThat(result(waiting).path("order").path("id").asInt()).isEqualTo(4711);
    }

    @Test
    void aWaitThatDemandsASignatureRefusesUnsignedStaleOrForgedDeliveries() throws Exception {
        UUID id = startWaiting("{\"signed\": true}");
        String path = "/hooks/" + tokens.get(id);
        byte[] body = "{\"approved\": true}".getBytes();
        StandardWebhooksScheme signer = new StandardWebhooksScheme(WAIT_SECRET, Clock.systemUTC());
        long now = System.currentTimeMillis() / 1000;

        assertRefusedWithoutChange(401, "missing webhook-id", () -> a.post(path, "application/json", body, Map.of()));
        assertRefusedWithoutChange(401, "no signature matched", () -> a.post(path, "application/json", body, Map.of(
                "webhook-id", "m1", "webhook-timestamp", Long.toString(now),
                "webhook-signature", signer.sign("m1", now, "{\"approved\": false}".getBytes()))));
        assertRefusedWithoutChange(401, "tolerance", () -> a.post(path, "application/json", body, Map.of(
                "webhook-id", "m1", "webhook-timestamp", Long.toString(now - 600),
                "webhook-signature", signer.sign("m1", now - 600, body))));

        HttpResponse<String> signed = a.post(path, "application/json", body, Map.of("webhook-id", "m1",
                "webhook-timestamp", Long.toString(now), "webhook-signature", signer.sign("m1", now, body)));
        assertThat(read(signed).path("status").asText()).isEqualTo("resumed");
        assertThat(result(id).path("approved").asBoolean()).isTrue();
    }

    @Test
    void aLinkMintedAfterItsTaskWasCancelledIsRevokedAtOnceAndNeverBuffersADelivery() throws Exception {
        UUID id = start("late-linker", "{}");
        await().atMost(Duration.ofSeconds(20)).until(() -> holds.containsKey(id)); // the step runs, and holds
        a.node.tasks().cancel(id);
        holds.get(id).countDown(); // now it mints its link, after the cancel committed
        await().atMost(Duration.ofSeconds(20)).until(() -> tokens.containsKey(id));
        String path = "/hooks/" + tokens.get(id);

        assertRefusedWithoutChange(410, "cancelled", () -> a.postJson(path, "{\"late\": true}", Map.of()));
        assertThat(db.queryValue("SELECT string_agg(state, ',') FROM baton_wait WHERE task_id = ?", id))
                .isEqualTo("CANCELLED");
        assertThat(state(id)).isEqualTo(TaskState.CANCELLED);
    }

    @Test
    void aFinishedWaitAnswers410ForDeliveriesHeartbeatsAndFailures() throws Exception {
        UUID cancelled = startWaiting("{}");
        a.node.tasks().cancel(cancelled);
        String path = "/hooks/" + tokens.get(cancelled);
        assertRefusedWithoutChange(410, "cancelled", () -> a.postJson(path, "{}", Map.of()));
        assertRefusedWithoutChange(410, "cancelled", () -> a.postJson(path + "/heartbeat", "", Map.of()));
        assertRefusedWithoutChange(410, "cancelled", () -> a.postJson(path + "/fail", "{\"reason\": \"x\"}", Map.of()));

        UUID timedOut = startWaiting("{\"timeoutMillis\": 300}");
        assertThat(result(timedOut).asText()).isEqualTo("timed out");
        assertThat(eventsOf(io.baton.event.EngineEvent.Type.WAIT_TIMED_OUT, timedOut)).hasSize(1);
        assertRefusedWithoutChange(410, "timed out", () -> a.postJson("/hooks/" + tokens.get(timedOut), "{}", Map.of()));
    }

    @Test
    void theFailurePathCarriesTheReason() throws Exception {
        UUID id = startWaiting("{}");

        HttpResponse<String> failed = b.postJson("/hooks/" + tokens.get(id) + "/fail",
                "{\"reason\": \"over budget\"}", Map.of());

        assertThat(read(failed).path("status").asText()).isEqualTo("resumed");
        assertThat(result(id).path("failedBecause").asText()).isEqualTo("over budget");
        assertThat(eventsOf(io.baton.event.EngineEvent.Type.TASK_RESUMED, id)).hasSize(1);
        assertRefusedWithoutChange(400, "'reason' must be a string",
                () -> a.postJson("/hooks/" + tokens.get(id) + "/fail", "{\"reason\": 3}", Map.of()));
    }

    @Test
    void heartbeatsPushTheDeadlineOutButNotPastTheMaximum() throws Exception {
        UUID id = startWaiting("{\"timeoutMillis\": 4000, \"maxMillis\": 6000}");
        String path = "/hooks/" + tokens.get(id) + "/heartbeat";
        String firstDeadline = a.node.waits().waitsOf(id).get(0).deadline().toString();

        await().pollDelay(Duration.ofMillis(1500)).until(() -> true);
        JsonNode beat = read(a.postJson(path, "", Map.of()));
        assertThat(beat.path("status").asText()).isEqualTo("extended");
        assertThat(beat.path("detail").asText()).isGreaterThan(firstDeadline);
        await().pollDelay(Duration.ofMillis(1500)).until(() -> true);
        JsonNode capped = read(a.postJson(path, "", Map.of()));
        assertThat(a.node.waits().waitsOf(id).get(0).deadline())
                .isEqualTo(a.node.waits().waitsOf(id).get(0).maxDeadline());
        assertThat(capped.path("detail").asText()).isEqualTo(a.node.waits().waitsOf(id).get(0).maxDeadline().toString());

        assertThat(result(id).asText()).isEqualTo("timed out");
    }

    @Test
    void aDeliveryThatArrivesBeforeTheWaitStartsIsKeptAndConsumedWhenItStarts() throws Exception {
        UUID id = start("approval", "{\"hold\": true}");
        await().atMost(Duration.ofSeconds(20)).until(() -> tokens.containsKey(id));
        String path = "/hooks/" + tokens.get(id);
        assertRefusedWithoutChange(409, "not started yet", () -> a.postJson(path + "/heartbeat", "", Map.of()));

        HttpResponse<String> early = b.postJson(path, "{\"approved\": true, \"by\": \"early bird\"}",
                Map.of("webhook-id", "early-1"));
        assertThat(read(early).path("status").asText()).isEqualTo("buffered");
        assertReplayOf(early, a.postJson(path, "{\"approved\": true, \"by\": \"early bird\"}",
                Map.of("webhook-id", "early-1")));
        assertReplayOf(early, a.postJson(path, "{\"approved\":true,\"by\":\"early bird\"}", Map.of()));
        assertRefusedWithoutChange(409, "different payload", () -> b.postJson(path, "{\"approved\": false}",
                Map.of("webhook-id", "early-2")));
        holds.get(id).countDown();

        assertThat(result(id).path("by").asText()).isEqualTo("early bird");
    }

    @Test
    void fiftyConcurrentDeliveriesOfOneTokenOnTwoNodesResumeItExactlyOnce() throws Exception {
        UUID id = startWaiting("{}");
        String path = "/hooks/" + tokens.get(id);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            for (int i = 0; i < 50; i++) {
                WebhookNode node = i % 2 == 0 ? a : b;
                String body = "{\"approved\": true, \"variant\": " + (i % 3) + "}";
                String deliveryId = "race-" + i;
                answers.add(pool.submit(() -> {
                    go.await();
                    return node.postJson(path, body, Map.of("webhook-id", deliveryId));
                }));
            }
            go.countDown();
            Map<String, Integer> outcomes = new HashMap<>();
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
                String outcome = response.statusCode() != 200 ? Integer.toString(response.statusCode())
                        : read(response).path("status").asText() + (replayed(response) ? " (replayed)" : "");
                outcomes.merge(outcome, 1, Integer::sum);
            }
            System.out.println("50 concurrent deliveries of one token over two nodes: " + outcomes);
            assertThat(outcomes.get("resumed")).isEqualTo(1);
            assertThat(outcomes.keySet()).isSubsetOf(Set.of("resumed", "resumed (replayed)", "409"));
            assertThat(result(id).path("approved").asBoolean()).isTrue();
            assertThat(db.queryValue("SELECT count(*) FROM baton_step WHERE task_id = ? AND step_name = 'done'", id))
                    .isEqualTo(1L);
            assertThat(db.queryValue("SELECT count(*) FROM baton_delivery WHERE ? = ANY(task_ids) AND outcome = 'resumed'",
                    id)).isEqualTo(1L);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDeliveryRacingTheDeadlineEitherResumesOrIsGoneNeverBoth() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                ids.add(start("approval", "{\"timeoutMillis\": 3000}"));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> ids.stream().allMatch(id -> state(id) == TaskState.WAITING));
            Map<UUID, Future<HttpResponse<String>>> answers = new HashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                UUID id = ids.get(i);
                // From 250 ms before this task's deadline to 245 ms after it.
                java.time.Instant at = a.node.waits().waitsOf(id).get(0).deadline().minusMillis(250 - 45L * i);
                WebhookNode node = i % 2 == 0 ? a : b;
                answers.put(id, pool.submit(() -> {
                    long delay = Duration.between(java.time.Instant.now(), at).toMillis();
                    if (delay > 0) {
                        Thread.sleep(delay);
                    }
                    return node.postJson("/hooks/" + tokens.get(id), "{\"approved\": true}", Map.of());
                }));
            }
            int resumed = 0;
            int gone = 0;
            for (UUID id : ids) {
                HttpResponse<String> answer = answers.get(id).get(60, TimeUnit.SECONDS);
                JsonNode result = result(id);
                if (answer.statusCode() == 200) {
                    resumed++;
                    assertThat(read(answer).path("status").asText()).isEqualTo("resumed");
                    assertThat(result.path("approved").asBoolean()).as("task %s", id).isTrue();
                } else {
                    gone++;
                    assertProblem(answer, 410, "timed out");
                    assertThat(result.asText()).as("task %s", id).isEqualTo("timed out");
                }
            }
            System.out.printf("delivery vs deadline: %d resumed, %d timed out%n", resumed, gone);
            assertThat(resumed + gone).isEqualTo(ids.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void eventsResumeTasksWaitingOnTheirKeyOrAreKeptForTasksThatWaitLater() throws Exception {
        StandardWebhooksScheme signer = new StandardWebhooksScheme(SOURCE_SECRET, Clock.systemUTC());
        long now = System.currentTimeMillis() / 1000;
        byte[] early = "{\"order\": {\"id\": \"o-1\"}, \"paid\": 10}".getBytes();
        HttpResponse<String> kept = a.post("/events/orders", "application/json", early, Map.of("webhook-id", "e1",
                "webhook-timestamp", Long.toString(now), "webhook-signature", signer.sign("e1", now, early)));
        assertThat(read(kept).path("status").asText()).isEqualTo("buffered");
        UUID late = start("listener", "{\"order\": \"o-1\"}");
        assertThat(result(late).path("paid").asInt()).isEqualTo(10);

        UUID waiting = start("listener", "{\"order\": \"o-2\"}");
        await().atMost(Duration.ofSeconds(20)).until(() -> state(waiting) == TaskState.WAITING);
        byte[] body = "{\"order\": {\"id\": \"o-2\"}, \"paid\": 20}".getBytes();
        Map<String, String> headers = Map.of("webhook-id", "e2", "webhook-timestamp", Long.toString(now),
                "webhook-signature", signer.sign("e2", now, body));
        assertRefusedWithoutChange(401, "Signature check failed", () -> b.post("/events/orders", "application/json",
                body, Map.of("webhook-id", "e2", "webhook-timestamp", Long.toString(now),
                        "webhook-signature", signer.sign("e2", now, early))));
        byte[] keyless = "{\"order\": {}}".getBytes();
        assertRefusedWithoutChange(400, "no correlation key at /order/id", () -> b.post("/events/orders",
                "application/json", keyless, Map.of("webhook-id", "e3", "webhook-timestamp", Long.toString(now),
                        "webhook-signature", signer.sign("e3", now, keyless))));
        HttpResponse<String> resumed = b.post("/events/orders", "application/json", body, headers);
        assertThat(read(resumed).path("status").asText()).isEqualTo("resumed");
        assertThat(read(resumed).path("tasks").get(0).asText()).isEqualTo(waiting.toString());
        assertThat(result(waiting).path("paid").asInt()).isEqualTo(20);
        assertReplayOf(resumed, b.post("/events/orders", "application/json", body, headers));
        assertReplayOf(kept, a.post("/events/orders", "application/json", early, Map.of("webhook-id", "e1",
                "webhook-timestamp", Long.toString(now), "webhook-signature", signer.sign("e1", now, early))));
    }

    @Test
    void whenTheDatabaseIsDownDeliveriesGet503AndNothingIsRecorded() throws Exception {
        UUID id = startWaiting("{}");
        String path = "/hooks/" + tokens.get(id);
        String database = db.url().substring(db.url().lastIndexOf('/') + 1).split("\\?")[0];
        db.server().execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
        try {
            db.server().execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                    + database + "' AND pid <> pg_backend_pid()");
            HttpResponse<String> down = a.postJson(path, "{\"approved\": true}", Map.of("webhook-id", "during-outage"));
            assertProblem(down, 503, "nothing was recorded");
            assertThat(down.headers().firstValue("Retry-After")).isPresent();
        } finally {
            db.server().execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> state(id) == TaskState.WAITING);

        HttpResponse<String> after = a.postJson(path, "{\"approved\": true}", Map.of("webhook-id", "during-outage"));
        assertThat(read(after).path("status").asText()).isEqualTo("resumed");
        assertThat(result(id).path("approved").asBoolean()).isTrue();
    }

    @Test
    void aLinkMintedByAStepThatThenDidNotWaitIsGone() throws Exception {
        UUID id = start("linker", "{}");
        assertThat(result(id).asText()).isEqualTo("did not wait");

        assertRefusedWithoutChange(410, "cancelled", () -> a.postJson("/hooks/" + tokens.get(id), "{}", Map.of()));
    }

    @Test
    void anEarlyDeliveryToAWaitThatDemandsASignatureIsCheckedWhenTheWaitOpens() throws Exception {
        UUID unsignedEarly = start("approval", "{\"hold\": true, \"signed\": true}");
        await().atMost(Duration.ofSeconds(20)).until(() -> tokens.containsKey(unsignedEarly));
        assertThat(read(a.postJson("/hooks/" + tokens.get(unsignedEarly), "{\"approved\": true}", Map.of()))
                .path("status").asText()).isEqualTo("buffered");
        holds.get(unsignedEarly).countDown();
        await().atMost(Duration.ofSeconds(20)).until(() -> state(unsignedEarly) == TaskState.WAITING);
        await().during(Duration.ofMillis(500)).until(() -> state(unsignedEarly) == TaskState.WAITING);

        UUID signedEarly = start("approval", "{\"hold\": true, \"signed\": true}");
        await().atMost(Duration.ofSeconds(20)).until(() -> tokens.containsKey(signedEarly));
        byte[] body = "{\"approved\": true, \"by\": \"signed\"}".getBytes();
        long now = System.currentTimeMillis() / 1000;
        String signature = new StandardWebhooksScheme(WAIT_SECRET, Clock.systemUTC()).sign("s1", now, body);
        assertThat(read(a.post("/hooks/" + tokens.get(signedEarly), "application/json", body, Map.of(
                "webhook-id", "s1", "webhook-timestamp", Long.toString(now), "webhook-signature", signature)))
                .path("status").asText()).isEqualTo("buffered");
        holds.get(signedEarly).countDown();
        assertThat(result(signedEarly).path("by").asText()).isEqualTo("signed");
    }

    @Test
    void theSameEventDeliveredConcurrentlyIsRecordedOnce() throws Exception {
        StandardWebhooksScheme signer = new StandardWebhooksScheme(SOURCE_SECRET, Clock.systemUTC());
        long now = System.currentTimeMillis() / 1000;
        byte[] body = "{\"order\": {\"id\": \"o-dup\"}}".getBytes();
        Map<String, String> headers = Map.of("webhook-id", "dup-1", "webhook-timestamp", Long.toString(now),
                "webhook-signature", signer.sign("dup-1", now, body));
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                WebhookNode node = i % 2 == 0 ? a : b;
                answers.add(pool.submit(() -> {
                    go.await();
                    return node.post("/events/orders", "application/json", body, headers);
                }));
            }
            go.countDown();
            Map<String, Integer> outcomes = new HashMap<>();
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
                outcomes.merge(read(response).path("status").asText() + (replayed(response) ? " (replayed)" : ""), 1,
                        Integer::sum);
            }
            assertThat(outcomes).containsEntry("buffered", 1).containsEntry("buffered (replayed)", 9);
            assertThat(db.queryValue("SELECT count(*) FROM baton_inbox WHERE delivery_id = 'dup-1'")).isEqualTo(1L);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Acceptance: a dump of the database after the suite holds no plaintext token, only hashes, and no signing secret
     * of a wait in plain text: those are sealed under the secret key (its id stored next to them).
     */
    private void assertNoPlaintextTokenInTheDatabase() throws Exception {
        assertThat(tokens).isNotEmpty();
        String dump = db.dumpAllTables();
        for (String token : tokens.values()) {
            assertThat(dump).doesNotContain(token).doesNotContain(token.substring(3, 40));
            assertThat(dump).contains(ResumeToken.hash(token));
        }
        assertThat(db.queryValue("SELECT count(*) FROM baton_wait WHERE signing_secret IS NOT NULL "
                + "AND signing_key_id = 'test'")).isNotEqualTo(0L);
        assertThat(db.queryValue("SELECT count(*) FROM baton_wait WHERE signing_secret IS NOT NULL "
                + "AND signing_key_id IS DISTINCT FROM 'test'")).isEqualTo(0L);
        assertThat(dump).doesNotContain(WAIT_SECRET).doesNotContain(WAIT_SECRET.substring(6, 30));
    }
}
