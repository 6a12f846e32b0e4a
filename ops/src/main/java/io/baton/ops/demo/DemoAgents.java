package io.baton.ops.demo;

import io.baton.agent.Agent;
import io.baton.agent.AgentProvider;
import io.baton.agent.StepOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The agents the server ships with, to try Baton without writing one. */
public final class DemoAgents implements AgentProvider {

    @Override
    public List<Agent> agents() {
        return List.of(greeting());
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
