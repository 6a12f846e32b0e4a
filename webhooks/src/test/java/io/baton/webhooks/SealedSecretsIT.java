package io.baton.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.agent.Agent;
import io.baton.agent.StepOutcome;
import io.baton.agent.Wait;
import io.baton.config.BatonConfig;
import io.baton.signature.StandardWebhooksScheme;
import io.baton.task.Task;
import io.baton.task.TaskState;
import io.baton.testing.PostgresExtension;
import io.baton.testing.TestDatabase;
import io.baton.testing.TestNodes;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Signing secrets of waits at rest: sealed with AES-GCM under {@code BATON_SECRET_KEY} (never plain text in the
 * database), re-sealed when the key is rotated or a plain-text row from an earlier version is found, refused clearly
 * when a node lacks the key. Real nodes, real HTTP, real PostgreSQL.
 */
@ExtendWith(PostgresExtension.class)
class SealedSecretsIT {
    private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(
            "sealed-secrets-it-signing-key-32b".getBytes());
    private static final String OLD_KEY = "test:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final String NEW_KEY = "k2:" + Base64.getEncoder().encodeToString(new byte[32]);

    private final Map<UUID, String> tokens = new ConcurrentHashMap<>();
    private final ObjectMapper json = new ObjectMapper();
    private TestDatabase db;

    @BeforeEach
    void setUp(TestDatabase database) {
        db = database;
    }

    private List<Agent> agents() {
        return List.of(Agent.named("signed")
                .step("ask", ctx -> {
                    tokens.put(ctx.taskId(), ctx.resumeLink().token());
                    return StepOutcome.await(Wait.token(Duration.ofMinutes(10)).requireSignature(SECRET).build());
                })
                .step("done", ctx -> StepOutcome.complete(ctx.resumedWith()))
                .build());
    }

    private WebhookNode node(String id, String secretKey) {
        BatonConfig config = TestNodes.config(db, id, "BATON_SECRET_KEY", secretKey);
        return new WebhookNode(config, agents(), List.of());
    }

    private UUID startWaiting(WebhookNode node) throws Exception {
        UUID id = node.node.tasks().start("signed", json.readTree("{}"), null).task().id();
        await().atMost(Duration.ofSeconds(20)).until(() -> state(node, id) == TaskState.WAITING);
        return id;
    }

    private static TaskState state(WebhookNode node, UUID id) {
        return node.node.tasks().find(id).orElseThrow().task().state();
    }

    private HttpResponse<String> signedDelivery(WebhookNode node, UUID task, String id) throws Exception {
        byte[] body = "{\"approved\": true}".getBytes();
        long now = System.currentTimeMillis() / 1000;
        return node.post("/hooks/" + tokens.get(task), "application/json", body, Map.of("webhook-id", id,
                "webhook-timestamp", Long.toString(now),
                "webhook-signature", new StandardWebhooksScheme(SECRET, Clock.systemUTC()).sign(id, now, body)));
    }

    private Object stored(UUID task, String column) {
        return db.queryValue("SELECT " + column + " FROM baton_wait WHERE task_id = ?", task);
    }

    @Test
    void aSignedWaitsSecretIsStoredSealedAndStillVerifiesDeliveries() throws Exception {
        try (WebhookNode node = node("sealed-a", OLD_KEY)) {
            UUID task = startWaiting(node);

            assertThat(stored(task, "signing_key_id")).isEqualTo("test");
            String sealed = (String) stored(task, "signing_secret");
            assertThat(sealed).doesNotContain(SECRET).doesNotContain(SECRET.substring(6, 26));
            assertThat(Base64.getDecoder().decode(sealed)).hasSize(12 + SECRET.length() + 16); // nonce, text, tag

            assertThat(signedDelivery(node, task, "m1").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> state(node, task) == TaskState.SUCCEEDED);
        }
    }

    @Test
    void plainTextFromAnEarlierVersionAndSecretsUnderARotatedKeyAreResealedAsANodeStarts() throws Exception {
        UUID legacy;
        List<UUID> underOldKey = new java.util.ArrayList<>();
        try (WebhookNode node = node("rotate-1", OLD_KEY)) {
            legacy = startWaiting(node);
            for (int i = 0; i < 6; i++) { // random wait ids on both sides of every byte order
                underOldKey.add(startWaiting(node));
            }
        }
        // What a version before sealing left: the secret itself and no key id.
        db.execute("UPDATE baton_wait SET signing_key_id = NULL, signing_secret = ? WHERE task_id = ?", SECRET, legacy);

        try (WebhookNode node = node("rotate-2", NEW_KEY + "," + OLD_KEY)) {
            List<UUID> all = new java.util.ArrayList<>(underOldKey);
            all.add(legacy);
            for (UUID task : all) {
                assertThat(stored(task, "signing_key_id")).isEqualTo("k2");
                assertThat((String) stored(task, "signing_secret")).doesNotContain(SECRET);
            }
            assertThat(signedDelivery(node, legacy, "m1").statusCode()).isEqualTo(200);
        }
        try (WebhookNode node = node("rotate-3", NEW_KEY)) { // the old key is gone: nothing needs it any more
            UUID task = underOldKey.get(0);
            assertThat(signedDelivery(node, task, "m2").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> state(node, task) == TaskState.SUCCEEDED);
        }
    }

    @Test
    void aNodeWithoutTheKeyOfASecretAnswers503AndChangesNothing() throws Exception {
        UUID task;
        try (WebhookNode node = node("keyed", OLD_KEY)) {
            task = startWaiting(node);
        }
        try (WebhookNode node = node("wrong-key", NEW_KEY)) {
            HttpResponse<String> answer = signedDelivery(node, task, "m1");

            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(json.readTree(answer.body()).path("detail").asText()).contains("BATON_SECRET_KEY");
            assertThat(answer.body()).doesNotContain(SECRET);
            assertThat(state(node, task)).isEqualTo(TaskState.WAITING);
            assertThat(stored(task, "state")).isEqualTo("OPEN");
            assertThat(stored(task, "signing_key_id")).isEqualTo("test"); // could not re-seal it: left as it was
        }
    }

    @Test
    void withAnExternalDatabaseAndNoSecretKeyASignedWaitFailsItsTaskWithAClearError() throws Exception {
        try (WebhookNode node = node("no-key", "")) {
            UUID id = node.node.tasks().start("signed", json.readTree("{}"), null).task().id();
            await().atMost(Duration.ofSeconds(20)).until(() -> state(node, id) == TaskState.FAILED);

            Task failed = node.node.tasks().find(id).orElseThrow().task();
            assertThat(failed.error().toString()).contains("BATON_SECRET_KEY");
            assertThat(db.queryValue("SELECT count(*) FROM baton_wait WHERE task_id = ? AND state = 'OPEN'", id))
                    .isEqualTo(0L);
        }
    }
}
