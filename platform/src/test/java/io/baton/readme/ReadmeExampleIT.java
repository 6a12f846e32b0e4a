package io.baton.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.agent.Agent;
import io.baton.agent.NonRetryableException;
import io.baton.agent.RetryPolicy;
import io.baton.agent.StepOutcome;
import io.baton.config.BatonConfig;
import io.baton.json.JsonMappers;
import io.baton.node.BatonNode;
import io.baton.execution.TaskService;
import io.baton.task.TaskState;
import io.baton.testing.PostgresExtension;
import io.baton.testing.TestDatabase;
import io.baton.testing.TestNodes;
import io.baton.wait.Delivery;
import io.baton.agent.Wait;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The README's "Writing an agent" snippets, verbatim, run against a real node. */
@ExtendWith(PostgresExtension.class)
class ReadmeExampleIT {

    /** Stands in for the payment provider of the README: it deduplicates by idempotency key. */
    static final class Payments {
        final Map<String, String> refunds = new ConcurrentHashMap<>();

        String refund(String order, String idempotencyKey) {
            return refunds.computeIfAbsent(idempotencyKey, key -> "pay-" + order);
        }
    }

    @Test
    void theReadmeRefundAgentRunsAsDocumented(TestDatabase db) throws Exception {
        Payments payments = new Payments();
        // --- README: Writing an agent ---
        Agent refunds = Agent.named("refund")
                .step("validate", ctx -> {
                    if (ctx.input().path("amount").asLong() <= 0) {
                        throw new NonRetryableException("amount must be positive");
                    }
                    return StepOutcome.next();
                })
                .step("pay", ctx -> {
                    // The key is the same on every try of this step: the payment provider applies it once.
                    String paymentId = payments.refund(ctx.input().path("order").asText(), ctx.idempotencyKey());
                    ctx.state().put("paymentId", paymentId);
                    return StepOutcome.sleep(Duration.ofHours(24));
                }, RetryPolicy.builder().maxAttempts(5).timeout(Duration.ofSeconds(30)).build())
                .step("confirm", ctx -> StepOutcome.complete(ctx.state()))
                .build();
        // --- end ---
        JsonNode input = JsonMappers.create().readTree("{\"order\": \"42\", \"amount\": 1250}");
        BatonConfig config = TestNodes.config(db, "readme-node");

        // --- README: Embedding ---
        try (BatonNode node = BatonNode.builder(config).agent(refunds).start()) {
            TaskService.StartedTask started = node.tasks().start("refund", input, "refund-order-42");
            // node.tasks().find(id), node.tasks().cancel(id)
            // --- end ---
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    node.tasks().find(started.task().id()).orElseThrow().task().state() == TaskState.SLEEPING);
            var sleeping = node.tasks().find(started.task().id()).orElseThrow().task();
            assertThat(sleeping.context().path("paymentId").asText()).isEqualTo("pay-42");
            assertThat(sleeping.wakeAt()).isAfter(java.time.Instant.now().plus(Duration.ofHours(23)));
            assertThat(payments.refunds).containsOnlyKeys(started.task().id() + ":2");
            assertThat(node.tasks().start("refund", input, "refund-order-42").created()).isFalse();
        }
    }

    /** Stands in for the README's mailer. */
    static final class Mailer {
        final Map<String, String> sent = new ConcurrentHashMap<>();

        void send(String to, String text) {
            sent.put(to, text);
        }
    }

    @Test
    void theReadmeWaitSnippetPausesUntilTheLinkIsCalled(TestDatabase db) throws Exception {
        Mailer mailer = new Mailer();
        String approver = "grace@example.com";
        Agent agent = Agent.named("approve")
                // --- README: Waits and webhooks ---
                .step("ask", ctx -> {
                    mailer.send(approver, "Approve? " + ctx.resumeLink().url());   // same link on every try of this step
                    return StepOutcome.await(Wait.token(Duration.ofHours(24))       // deadline required
                            .extendableUpTo(Duration.ofDays(7))                      // heartbeats may push it out this far
                            .onTimeout("escalate")                                   // else the task fails when it passes
                            .onFailure("rejected")                                   // POST .../fail; else the task fails
                            .build());
                })
                .step("act", ctx -> StepOutcome.complete(ctx.resumedWith()))        // the payload that resumed the wait
                // --- end ---
                .step("escalate", ctx -> StepOutcome.complete("escalated"))
                .step("rejected", ctx -> StepOutcome.complete("rejected"))
                .build();
        try (BatonNode node = BatonNode.builder(TestNodes.config(db, "readme-waits")).agent(agent).start()) {
            var id = node.tasks().start("approve", null, null).task().id();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    node.tasks().find(id).orElseThrow().task().state() == TaskState.WAITING);
            String url = mailer.sent.get(approver).substring("Approve? ".length());
            String token = url.substring(url.lastIndexOf('/') + 1);
            JsonNode decision = JsonMappers.create().readTree("{\"approved\": true}");

            assertThat(node.waits().deliver(token, new Delivery(null, decision, "h1", new byte[0], Map.of())).status())
                    .isEqualTo("resumed");
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    node.tasks().find(id).orElseThrow().task().state() == TaskState.SUCCEEDED);
            assertThat(node.tasks().find(id).orElseThrow().task().result()).isEqualTo(decision);
        }
    }
}
