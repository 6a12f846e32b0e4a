package io.baton.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.agent.Agent;
import io.baton.agent.StepOutcome;
import io.baton.agent.Wait;
import io.baton.callback.Callbacks;
import io.baton.config.BatonConfig;
import io.baton.node.NodeStartException;
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
import org.junit.jupiter.api.AfterEach;
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

    /** Each test seals under keys of its own: what one left must not stop the next one's nodes from starting. */
    @AfterEach
    void forgetSealedSecrets() {
        db.execute("TRUNCATE baton_task, baton_callback CASCADE");
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
        BatonConfig config = TestNodes.config(db, id, "BATON_SECRET_KEY", secretKey, "BATON_CALLBACK_ALLOW",
                "127.0.0.1/32");
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
        UUID endpoint;
        List<UUID> underOldKey = new java.util.ArrayList<>();
        try (WebhookNode node = node("rotate-1", OLD_KEY)) {
            legacy = startWaiting(node);
            for (int i = 0; i < 6; i++) { // random wait ids on both sides of every byte order
                underOldKey.add(startWaiting(node));
            }
            endpoint = node.node.callbacks().register(new Callbacks.Registration("http://127.0.0.1:9/hook",
                    List.of("*"), null, null)).callback().id();
            node.node.callbacks().rotateSecret(endpoint, Duration.ofHours(1)); // a current and a previous secret
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
            assertThat(db.queryValue("SELECT secret_key_id || previous_secret_key_id FROM baton_callback WHERE id = ?",
                    endpoint)).isEqualTo("k2k2");
        }
        try (WebhookNode node = node("rotate-3", NEW_KEY)) { // the old key is gone: nothing needs it any more (else
            // this node would refuse to start)
            UUID task = underOldKey.get(0);
            assertThat(signedDelivery(node, task, "m2").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> state(node, task) == TaskState.SUCCEEDED);
        }
    }

    @Test
    void aNodeWithoutTheKeyOfAStoredSecretRefusesToStartNamingItAndChangesNothing() throws Exception {
        UUID task;
        try (WebhookNode node = node("keyed", OLD_KEY)) {
            task = startWaiting(node);
        }
        Object before = stored(task, "signing_secret");

        assertThatThrownBy(() -> node("wrong-key", NEW_KEY))
                .isInstanceOf(NodeStartException.class)
                .hasMessageContaining("[test]").hasMessageContaining("BATON_SECRET_KEY")
                .hasMessageContaining("[k2]")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
        assertThat(stored(task, "signing_key_id")).isEqualTo("test");
        assertThat(stored(task, "signing_secret")).isEqualTo(before);
        assertThat(stored(task, "state")).isEqualTo("OPEN");

        try (WebhookNode node = node("key-back", OLD_KEY)) { // with its key the cluster goes on where it was
            assertThat(signedDelivery(node, task, "m1").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> state(node, task) == TaskState.SUCCEEDED);
        }
    }

    @Test
    void aSealedSecretCopiedIntoAnotherWaitDoesNotOpenThere() throws Exception {
        try (WebhookNode node = node("moved", OLD_KEY)) {
            UUID mine = startWaiting(node);
            UUID victim = startWaiting(node);
            // Someone who can write the table copies a secret they know (their own wait's) onto another wait.
            db.execute("UPDATE baton_wait SET signing_secret = (SELECT signing_secret FROM baton_wait WHERE task_id = ?)"
                    + " WHERE task_id = ?", mine, victim);

            HttpResponse<String> answer = signedDelivery(node, victim, "m1");

            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(json.readTree(answer.body()).path("detail").asText()).contains("does not decrypt");
            assertThat(state(node, victim)).isEqualTo(TaskState.WAITING);
            assertThat(stored(victim, "state")).isEqualTo("OPEN");
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
