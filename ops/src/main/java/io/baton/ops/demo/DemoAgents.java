package io.baton.ops.demo;

import io.baton.agent.Agent;
import io.baton.agent.AgentProvider;
import io.baton.agent.StepOutcome;
import io.baton.agent.Wait;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The agents the server ships with, to try Baton without writing one. */
public final class DemoAgents implements AgentProvider {

    @Override
    public List<Agent> agents() {
        return List.of(greeting(), expenseApproval());
    }

    /**
     * {@code demo-expense}: drafts an approval request for {@code input.employee} and {@code input.amount}, waits up
     * to {@code input.deadlineSeconds} (default 24 h) for a decision at its resume URL, then acts on
     * {@code {"approved": true|false, "by": "..."}}; escalates when nobody answers in time, and records a rejection
     * sent to {@code /hooks/{token}/fail}.
     */
    static Agent expenseApproval() {
        return Agent.named("demo-expense")
                .step("draft", ctx -> {
                    String summary = ctx.input().path("employee").asText("someone") + " asks for "
                            + ctx.input().path("amount").asText("?") + " for " + ctx.input().path("purpose").asText("?");
                    ctx.state().put("request", summary);
                    // A real agent would e-mail ctx.resumeLink().url() to the approver here; never log it.
                    ctx.resumeLink();
                    ctx.log().info("Approval requested: {}", summary);
                    return StepOutcome.await(Wait.token(Duration.ofSeconds(
                                    ctx.input().path("deadlineSeconds").asLong(Duration.ofHours(24).toSeconds())))
                            .extendableUpTo(Duration.ofDays(7))
                            .onTimeout("escalate")
                            .onFailure("rejected")
                            .build());
                })
                .step("act", ctx -> {
                    JsonNode decision = ctx.resumedWith();
                    boolean approved = decision != null && decision.path("approved").asBoolean(false);
                    return StepOutcome.complete(Map.of("request", ctx.state().path("request").asText(),
                            "approved", approved, "by", decision == null ? "" : decision.path("by").asText("")));
                })
                .step("escalate", ctx -> StepOutcome.complete(Map.of("request", ctx.state().path("request").asText(),
                        "escalated", true)))
                .step("rejected", ctx -> StepOutcome.complete(Map.of("request", ctx.state().path("request").asText(),
                        "approved", false, "reason", ctx.resumedWith().path("reason").asText())))
                .build();
    }

    /**
     * {@code demo-greeting}: composes a greeting for {@code input.name}, sleeps durably for {@code input.delaySeconds}
     * (default 2), then completes with the greeting.
     */
    static Agent greeting() {
        return Agent.named("demo-greeting")
                .step("compose", ctx -> {
                    String name = ctx.input().path("name").asText("world");
                    ctx.state().put("greeting", "Hello, " + name + "!");
                    ctx.log().info("Composed a greeting for {}", name);
                    return StepOutcome.sleep(Duration.ofSeconds(ctx.input().path("delaySeconds").asLong(2)));
                })
                .step("deliver", ctx -> StepOutcome.complete(Map.of(
                        "greeting", ctx.state().path("greeting").asText(),
                        "deliveredAt", ctx.clock().instant().toString())))
                .build();
    }
}
