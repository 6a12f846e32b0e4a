package io.baton.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.baton.callback.CallbackRepository;
import io.baton.config.SecretKeySetting;
import io.baton.persistence.Database;
import io.baton.secret.SecretBox;
import io.baton.testing.PostgresExtension;
import io.baton.testing.TestDatabase;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the node that is sending callbacks: an attempt cut off between sending and recording is sent again by the
 * survivor with the same {@code webhook-id}, and a node killed with a thousand events due leaves every one to be
 * delivered by the survivor. The receiver is a real HTTP server in this JVM; the nodes are real processes.
 */
@ExtendWith(PostgresExtension.class)
class CallbackFailoverIT {
    private static final String ENDPOINT = "00000000-0000-0000-0000-00000000cb01";

    @TempDir
    Path work;

    private HttpServer receiver;
    private final Map<String, AtomicInteger> byWebhookId = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile CountDownLatch hold = new CountDownLatch(0);
    private volatile long delayMillis;

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(32));
        receiver.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            requests.incrementAndGet();
            byWebhookId.computeIfAbsent(exchange.getRequestHeaders().getFirst("webhook-id"),
                    k -> new AtomicInteger()).incrementAndGet();
            try {
                hold.await(60, TimeUnit.SECONDS);
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    /** An endpoint for every event at the receiver, written as the registry writes it (secret sealed, same key). */
    private void registerEndpoint(TestDatabase db) {
        try (Database schema = Database.connect(db.url(), db.user(), db.password(), 4, "chaos-schema")) {
            schema.migrate(); // before any node: the endpoint and the events exist when the first node starts
        }
        db.execute("DELETE FROM baton_callback"); // the class shares one database: each test starts with none
        db.execute("DELETE FROM baton_event");
        SecretBox box = new SecretBox(List.of(new SecretKeySetting("test",
                Base64.getDecoder().decode("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="))));
        SecretBox.Sealed secret = box.seal("whsec_" + Base64.getEncoder().encodeToString(new byte[32]),
                CallbackRepository.SECRET.context(ENDPOINT));
        db.execute("""
                INSERT INTO baton_callback (id, url, event_types, secret_key_id, secret, created_at, updated_at)
                VALUES (?::uuid, ?, '{*}', ?, ?, now(), now())""", ENDPOINT,
                "http://127.0.0.1:" + receiver.getAddress().getPort() + "/events", secret.keyId(), secret.value());
    }

    /** {@code count} events due now, each with a delivery to the endpoint (as the outbox writes them). */
    private void eventsDue(TestDatabase db, int count) {
        db.execute("""
                WITH e AS (
                    INSERT INTO baton_event (id, type, task_id, agent, payload, created_at)
                    SELECT id, 'task.succeeded', gen_random_uuid(), 'chaos-chain',
                           jsonb_build_object('id', id, 'type', 'task.succeeded', 'data', '{}'::jsonb), now()
                      FROM (SELECT gen_random_uuid() AS id FROM generate_series(1, ?)) ids
                    RETURNING id)
                INSERT INTO baton_callback_delivery (event_id, callback_id, state, due_at, created_at)
                SELECT e.id, ?::uuid, 'PENDING', now(), now() FROM e""", count, ENDPOINT);
    }

    private static String[] env() {
        return new String[] {"BATON_CALLBACK_ALLOW", "127.0.0.1/32", "BATON_CALLBACK_TIMEOUT", "2s",
                "BATON_POLL_INTERVAL", "100ms"};
    }

    @Test
    void anAttemptCutOffBySigkillIsSentAgainWithTheSameWebhookId(TestDatabase db) throws Exception {
        try (ChaosCluster cluster = new ChaosCluster(db, work.resolve("cut"))) {
            registerEndpoint(db);
            hold = new CountDownLatch(1); // the receiver keeps the first request open: the node is mid-send
            cluster.start("sender", env());
            eventsDue(db, 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> requests.get() == 1);
            cluster.record("SIGKILL to node sender while its callback attempt waits for an answer");
            cluster.node("sender").kill();
            cluster.node("sender").awaitExit(Duration.ofSeconds(30));
            hold.countDown();

            cluster.start("survivor", env());
            await().atMost(Duration.ofSeconds(60)).until(() -> "DELIVERED".equals(
                    db.queryValue("SELECT state FROM baton_callback_delivery")));
            assertThat(byWebhookId).hasSize(1);
            assertThat(byWebhookId.values().iterator().next().get()).isEqualTo(2); // same id, sent twice
            assertThat(db.queryValue("SELECT string_agg(node, ',' ORDER BY attempt) FROM baton_callback_attempt"))
                    .isEqualTo("survivor"); // the cut-off attempt left no record, the second did
        }
    }

    @Test
    void aNodeKilledWithAThousandEventsDueLeavesEveryOneToTheSurvivor(TestDatabase db) throws Exception {
        try (ChaosCluster cluster = new ChaosCluster(db, work.resolve("thousand"))) {
            registerEndpoint(db);
            delayMillis = 20;
            eventsDue(db, 1000);
            cluster.start("first", env());
            await().atMost(Duration.ofSeconds(60)).until(() -> requests.get() >= 100);
            cluster.record("SIGKILL to node first after " + requests.get() + " of 1,000 callbacks were received");
            cluster.node("first").kill();
            cluster.node("first").awaitExit(Duration.ofSeconds(30));
            delayMillis = 0;

            cluster.start("survivor", env());
            await().atMost(Duration.ofSeconds(120)).until(() -> (Long) db.queryValue(
                    "SELECT count(*) FROM baton_callback_delivery WHERE state = 'DELIVERED'") == 1000L);
            Set<String> ids = byWebhookId.keySet();
            assertThat(ids).hasSize(1000);
            assertThat(db.queryValue("SELECT count(*) FROM baton_event e WHERE e.id::text = ANY(?)",
                    (Object) ids.toArray(new String[0]))).isEqualTo(1000L);
            long repeats = byWebhookId.values().stream().filter(n -> n.get() > 1).count();
            cluster.record("every one of 1,000 callbacks delivered; " + repeats
                    + " sent twice (in flight at the kill, same webhook-id)");
            assertThat(repeats).isLessThanOrEqualTo(16); // at most what one node had in flight
        }
    }
}
