package io.baton.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.baton.agent.Agent;
import io.baton.agent.StepOutcome;
import io.baton.node.BatonNode;
import io.baton.testing.PostgresExtension;
import io.baton.testing.TestDatabase;
import io.baton.testing.TestNodes;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sending callbacks to a real HTTP receiver on this machine (allow-listed, as a local endpoint must be), from a real
 * node on a real PostgreSQL: signatures checked with an implementation of the Standard Webhooks algorithm written
 * here, retries on the schedule with one webhook-id, 410, Retry-After, dead letters and replay, redirects refused.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallbackDeliveryIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final ObjectMapper json = new ObjectMapper();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    private volatile Answer otherwise = new Answer(200, Map.of(), "ok");
    private final java.util.concurrent.atomic.AtomicInteger slowNow = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger slowMost = new java.util.concurrent.atomic.AtomicInteger();
    private HttpServer receiver;
    private TestDatabase db;
    private BatonNode node;

    private record Received(Instant at, Map<String, String> headers, String body) {
    }

    private record Answer(int status, Map<String, String> headers, String body) {
    }

    @BeforeAll
    void start(TestDatabase database) throws Exception {
        db = database;
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (exchange.getRequestURI().getPath().startsWith("/slow")) { // answers, within the timeout, slowly
                slowMost.accumulateAndGet(slowNow.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(1500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    slowNow.decrementAndGet();
                }
            }
            Map<String, String> headers = new java.util.HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
            received.add(new Received(Instant.now(), headers, new String(body, StandardCharsets.UTF_8)));
            Answer answer = answers.poll();
            if (answer == null) {
                answer = otherwise;
            }
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                exchange.getResponseBody().write(out);
            }
            exchange.close();
        });
        receiver.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(40));
        receiver.start();
        node = BatonNode.builder(TestNodes.config(db, "sender-1", "BATON_CALLBACK_ALLOW", "127.0.0.1/32",
                        "BATON_CALLBACK_RETRY_SCHEDULE", "300ms,300ms", "BATON_CALLBACK_TIMEOUT", "2s",
                        "BATON_POLL_INTERVAL", "100ms"))
                .agents(List.of(Agent.named("quick").step("only", ctx -> StepOutcome.complete(ctx.input())).build()))
                .start();
    }

    @AfterAll
    void stop() {
        node.close();
        receiver.stop(0);
    }

    /** Acceptance: a dump of every table holds no callback signing secret, not even its key part. */
    private void assertNoSecretInTheDatabase() {
        String dump = db.dumpAllTables();
        assertThat(dump).contains(",test,"); // the key id beside each sealed secret: the endpoints are there
        for (String secret : secretsShown) {
            assertThat(dump).doesNotContain(secret).doesNotContain(secret.substring(6, 30));
        }
    }

    @AfterEach
    void reset() {
        assertNoSecretInTheDatabase(); // while the endpoints, their deliveries and attempts are all still there
        node.callbacks().list().forEach(c -> node.callbacks().delete(c.id()));
        received.clear();
        answers.clear();
        otherwise = new Answer(200, Map.of(), "ok");
    }

    private String url(String path) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
    }

    private final List<String> secretsShown = new CopyOnWriteArrayList<>();

    private Callbacks.Registered register(String path) {
        Callbacks.Registered made = node.callbacks().register(new Callbacks.Registration(url(path),
                List.of("task.succeeded"), "quick", null));
        secretsShown.add(made.secret());
        return made;
    }

    private UUID finishTask(String input) throws Exception {
        UUID id = node.tasks().start("quick", json.readTree(input), null).task().id();
        await().atMost(WAIT).until(() -> node.tasks().find(id).orElseThrow().task().state().isTerminal());
        return id;
    }

    private DeliveryRepository.Delivery onlyDelivery(UUID callbackId) {
        List<DeliveryRepository.Delivery> all = node.callbacks().deliveries(callbackId, 10);
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    /** Standard Webhooks, written here from the spec: base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)). */
    private static String expectedSignature(String secret, String id, String timestamp, String body)
            throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        return "v1," + Base64.getEncoder().encodeToString(
                mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anEventArrivesSignedWithItsEventIdAndTheDeliveryIsLogged() throws Exception {
        Callbacks.Registered endpoint = register("/ok");
        UUID task = finishTask("{\"n\": 1}");

        await().atMost(WAIT).until(() -> received.size() == 1);
        Received got = received.get(0);
        JsonNode payload = json.readTree(got.body());
        assertThat(payload.path("type").asText()).isEqualTo("task.succeeded");
        assertThat(payload.path("data").path("taskId").asText()).isEqualTo(task.toString());
        assertThat(payload.path("data").path("result").path("n").asInt()).isEqualTo(1);
        assertThat(got.headers().get("webhook-id")).isEqualTo(payload.path("id").asText());
        assertThat(got.headers().get("content-type")).startsWith("application/json");
        assertThat(Long.parseLong(got.headers().get("webhook-timestamp")))
                .isBetween(Instant.now().getEpochSecond() - 60, Instant.now().getEpochSecond() + 1);
        assertThat(got.headers().get("webhook-signature")).isEqualTo(expectedSignature(endpoint.secret(),
                got.headers().get("webhook-id"), got.headers().get("webhook-timestamp"), got.body()));
        byte[] body = got.body().getBytes(StandardCharsets.UTF_8);
        String ts = got.headers().get("webhook-timestamp");
        String signature = got.headers().get("webhook-signature");
        assertThat(ReceiverExample.verify(endpoint.secret(), got.headers().get("webhook-id"), ts, signature, body))
                .isTrue();
        assertThat(ReceiverExample.verify(register("/other").secret(), got.headers().get("webhook-id"), ts,
                signature, body)).isFalse();
        body[body.length - 2] ^= 1;
        assertThat(ReceiverExample.verify(endpoint.secret(), got.headers().get("webhook-id"), ts, signature, body))
                .isFalse();

        await().atMost(WAIT).until(() -> "DELIVERED".equals(onlyDelivery(endpoint.callback().id()).state()));
        DeliveryRepository.Delivery delivery = onlyDelivery(endpoint.callback().id());
        assertThat(delivery.attemptLog()).singleElement().satisfies(a -> {
            assertThat(a.statusCode()).isEqualTo(200);
            assertThat(a.latencyMillis()).isNotNull();
            assertThat(a.responseExcerpt()).isEqualTo("ok");
            assertThat(a.node()).isEqualTo("sender-1");
        });
    }

    @Test
    void failuresAreRetriedOnTheScheduleWithTheSameWebhookIdUntilDelivered() throws Exception {
        answers.add(new Answer(500, Map.of(), "boom"));
        answers.add(new Answer(302, Map.of("Location", "http://10.0.0.1/steal"), ""));
        Callbacks.Registered endpoint = register("/flaky");
        finishTask("{}");

        await().atMost(WAIT).until(() -> "DELIVERED".equals(onlyDelivery(endpoint.callback().id()).state()));
        assertThat(received).hasSize(3); // the redirect was not followed
        assertThat(received).extracting(r -> r.headers().get("webhook-id")).containsOnly(
                received.get(0).headers().get("webhook-id"));
        for (int i = 1; i < received.size(); i++) { // 300 ms, with at most 20 % jitter
            assertThat(Duration.between(received.get(i - 1).at(), received.get(i).at()))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(235));
        }
        assertThat(onlyDelivery(endpoint.callback().id()).attemptLog()).extracting(DeliveryRepository.Attempt::statusCode)
                .containsExactly(500, 302, 200);
        assertThat(onlyDelivery(endpoint.callback().id()).attemptLog().get(1).error()).contains("not followed");
        assertThat(node.callbacks().find(endpoint.callback().id()).orElseThrow().failingSince()).isNull();
    }

    @Test
    void exhaustedDeliveriesAreDeadAndCanBeReplayedWithTheirWebhookId() throws Exception {
        otherwise = new Answer(500, Map.of(), "down");
        Callbacks.Registered endpoint = register("/down");
        finishTask("{}");

        await().atMost(WAIT).until(() -> "DEAD".equals(onlyDelivery(endpoint.callback().id()).state()));
        DeliveryRepository.Delivery dead = onlyDelivery(endpoint.callback().id());
        assertThat(dead.attemptLog()).hasSize(3);
        assertThat(dead.lastError()).contains("gave up after 3 attempts");
        assertThat(node.callbacks().find(endpoint.callback().id()).orElseThrow().failingSince()).isNotNull();

        otherwise = new Answer(204, Map.of(), "");
        assertThat(node.callbacks().replayFailed(endpoint.callback().id(), Instant.now().minusSeconds(3600)))
                .isEqualTo(1);
        await().atMost(WAIT).until(() -> "DELIVERED".equals(onlyDelivery(endpoint.callback().id()).state()));
        assertThat(received).hasSize(4);
        assertThat(received).extracting(r -> r.headers().get("webhook-id")).containsOnly(dead.eventId().toString());
        assertThat(node.callbacks().find(endpoint.callback().id()).orElseThrow().failingSince()).isNull();
    }

    @Test
    void aSlowEndpointHoldsUpNoOtherAndNeverHasMoreThanItsConcurrencyInFlight() throws Exception {
        Callbacks.Registered slow = register("/slow");
        Callbacks.Registered fine = register("/fine");
        for (int i = 0; i < 30; i++) { // several times what the slow endpoint may have in flight, and waiting
            node.tasks().start("quick", json.readTree("{}"), null);
        }
        await().atMost(WAIT).until(() -> delivered(fine) == 30);
        assertThat(delivered(slow)).isLessThan(30); // 1.5 s each, 8 at a time: the fast one did not wait for it

        await().atMost(WAIT).until(() -> delivered(slow) == 30);
        assertThat(slowMost.get()).isEqualTo(8); // BATON_CALLBACK_CONCURRENCY's default: used, never exceeded
    }

    private long delivered(Callbacks.Registered endpoint) {
        return node.callbacks().deliveries(endpoint.callback().id(), 50).stream()
                .filter(d -> "DELIVERED".equals(d.state())).count();
    }

    @Test
    void gone410DisablesTheEndpoint() throws Exception {
        answers.add(new Answer(410, Map.of(), "gone"));
        Callbacks.Registered endpoint = register("/gone");
        finishTask("{}");

        await().atMost(WAIT).until(() -> !node.callbacks().find(endpoint.callback().id()).orElseThrow().enabled());
        assertThat(node.callbacks().find(endpoint.callback().id()).orElseThrow().disabledReason()).contains("410");
        assertThat(onlyDelivery(endpoint.callback().id()).state()).isEqualTo("DEAD");
        finishTask("{}"); // a disabled endpoint is not given new events
        assertThat(node.callbacks().deliveries(endpoint.callback().id(), 10)).hasSize(1);
        assertThat(received).hasSize(1);
    }

    @Test
    void retryAfterOfA429IsHonoured() throws Exception {
        answers.add(new Answer(429, Map.of("Retry-After", "2"), "slow down"));
        Callbacks.Registered endpoint = register("/busy");
        finishTask("{}");

        await().atMost(WAIT).until(() -> "DELIVERED".equals(onlyDelivery(endpoint.callback().id()).state()));
        assertThat(received).hasSize(2);
        assertThat(Duration.between(received.get(0).at(), received.get(1).at()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(1900)); // not the schedule's 300 ms
    }

    @Test
    void duringARotationBothSecretsSign() throws Exception {
        Callbacks.Registered first = register("/rotating");
        Callbacks.Registered second = node.callbacks().rotateSecret(first.callback().id(), Duration.ofHours(1))
                .orElseThrow();
        secretsShown.add(second.secret());
        finishTask("{}");

        await().atMost(WAIT).until(() -> received.size() == 1);
        Received got = received.get(0);
        String id = got.headers().get("webhook-id");
        String ts = got.headers().get("webhook-timestamp");
        assertThat(got.headers().get("webhook-signature").split(" ")).containsExactly(
                expectedSignature(second.secret(), id, ts, got.body()),
                expectedSignature(first.secret(), id, ts, got.body()));
    }

    @Test
    void anEndpointWhoseHostIsNoLongerAllowedIsRefusedAtSend() throws Exception {
        Callbacks.Registered endpoint = register("/moved");
        // As if its DNS now pointed inside: the address is checked at every connection, not only at registration.
        db.execute("UPDATE baton_callback SET url = ? WHERE id = ?", "http://127.0.0.2:" + receiver.getAddress()
                .getPort() + "/moved", endpoint.callback().id());
        finishTask("{}");

        await().atMost(WAIT).until(() -> !node.callbacks().deliveries(endpoint.callback().id(), 10).isEmpty()
                && !onlyDelivery(endpoint.callback().id()).attemptLog().isEmpty());
        DeliveryRepository.Attempt attempt = onlyDelivery(endpoint.callback().id()).attemptLog().get(0);
        assertThat(attempt.statusCode()).isNull();
        assertThat(attempt.error()).contains("refused by the SSRF rules").contains("127.0.0.2");
        assertThat(received).isEmpty();
    }
}
