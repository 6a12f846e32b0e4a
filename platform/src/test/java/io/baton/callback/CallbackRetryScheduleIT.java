package io.baton.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.baton.agent.Agent;
import io.baton.agent.StepOutcome;
import io.baton.node.BatonNode;
import io.baton.testing.AdvancingClock;
import io.baton.testing.PostgresExtension;
import io.baton.testing.TestDatabase;
import io.baton.testing.TestNodes;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The default retry schedule, driven by the node's injected clock: a delivery that always fails is attempted again
 * exactly when its jittered delay is up (not a second before, however often the sender looks), with the same
 * {@code webhook-id}, ten attempts over about three days, then it is dead. Real node, PostgreSQL and HTTP receiver.
 */
@ExtendWith(PostgresExtension.class)
class CallbackRetryScheduleIT {
    /** The documented default of BATON_CALLBACK_RETRY_SCHEDULE. */
    private static final List<Duration> DEFAULT_SCHEDULE = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5),
            Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10),
            Duration.ofHours(14), Duration.ofHours(20), Duration.ofHours(20));
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aFailingDeliveryIsRetriedOnTheDefaultScheduleThenDead(TestDatabase db) throws Exception {
        List<String> webhookIds = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            webhookIds.add(exchange.getRequestHeaders().getFirst("webhook-id"));
            exchange.sendResponseHeaders(503, -1); // no Retry-After: the schedule decides
            exchange.close();
        });
        receiver.start();
        AdvancingClock clock = new AdvancingClock();
        try (BatonNode node = BatonNode.builder(TestNodes.config(db, "clocked-1", "BATON_CALLBACK_ALLOW",
                        "127.0.0.1/32", "BATON_POLL_INTERVAL", "100ms"))
                .clock(clock)
                .agents(List.of(Agent.named("quick").step("only", ctx -> StepOutcome.complete(ctx.input())).build()))
                .start()) {
            UUID endpoint = node.callbacks().register(new Callbacks.Registration("http://127.0.0.1:"
                    + receiver.getAddress().getPort() + "/hook", List.of("task.succeeded"), null, null)).callback().id();
            UUID task = node.tasks().start("quick", new ObjectMapper().readTree("{}"), null).task().id();
            await().atMost(WAIT).until(() -> node.tasks().find(task).orElseThrow().task().state().isTerminal());

            for (int retry = 0; retry < DEFAULT_SCHEDULE.size(); retry++) {
                int sent = retry + 1;
                DeliveryRepository.Delivery settled = awaitSettled(node, endpoint, sent);
                assertThat(settled.state()).isEqualTo("PENDING");
                Duration delay = Duration.between(settled.attemptLog().get(retry).at(), settled.dueAt());
                Duration planned = DEFAULT_SCHEDULE.get(retry);
                assertThat(delay).as("delay after attempt %d", sent)
                        .isBetween(planned.multipliedBy(4).dividedBy(5), planned.multipliedBy(6).dividedBy(5)
                                .plusSeconds(2));

                clock.advanceTo(settled.dueAt().minusSeconds(1)); // not yet: the sender looks, and leaves it
                await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(3))
                        .until(() -> webhookIds.size() == sent);
                clock.advanceTo(settled.dueAt().plusMillis(1));
                await().atMost(WAIT).until(() -> webhookIds.size() == sent + 1);
            }

            int attempts = DEFAULT_SCHEDULE.size() + 1;
            await().atMost(WAIT).until(() -> "DEAD".equals(only(node, endpoint).state()));
            DeliveryRepository.Delivery dead = only(node, endpoint);
            assertThat(dead.attemptLog()).hasSize(attempts)
                    .allSatisfy(a -> assertThat(a.statusCode()).isEqualTo(503));
            assertThat(dead.lastError()).contains("gave up after " + attempts + " attempts");
            assertThat(webhookIds).hasSize(attempts).containsOnly(dead.eventId().toString());
            Instant first = dead.attemptLog().get(0).at();
            Instant last = dead.attemptLog().get(attempts - 1).at();
            assertThat(Duration.between(first, last)).isBetween(Duration.ofHours(57), Duration.ofHours(87)); // ~3 d
            assertThat(node.callbacks().find(endpoint).orElseThrow().enabled()).isTrue(); // 5 days to auto-disable
        } finally {
            receiver.stop(0);
        }
    }

    private static DeliveryRepository.Delivery awaitSettled(BatonNode node, UUID endpoint, int attempts) {
        await().atMost(WAIT).until(() -> {
            DeliveryRepository.Delivery d = only(node, endpoint);
            return d.attemptLog().size() == attempts && d.attempts() == attempts && !d.dueAt().isBefore(
                    d.attemptLog().get(attempts - 1).at());
        });
        return only(node, endpoint);
    }

    private static DeliveryRepository.Delivery only(BatonNode node, UUID endpoint) {
        List<DeliveryRepository.Delivery> all = node.callbacks().deliveries(endpoint, 10);
        assertThat(all).hasSize(1);
        return all.get(0);
    }
}
