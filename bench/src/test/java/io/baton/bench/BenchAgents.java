package io.baton.bench;

import io.baton.agent.Agent;
import io.baton.agent.AgentProvider;
import io.baton.agent.StepOutcome;
import io.baton.agent.Wait;
import java.time.Duration;
import java.util.List;

/** The agents the benchmark runs inside real node processes (found through {@code META-INF/services}). */
public final class BenchAgents implements AgentProvider {
    /** The longest chain {@code bench-chain} can run. */
    static final int MAX_CHAIN = 100;

    @Override
    public List<Agent> agents() {
        Agent.Builder chain = Agent.named("bench-chain");
        for (int i = 0; i < MAX_CHAIN; i++) {
            chain.step("s" + i, ctx -> {
                int done = ctx.state().path("n").asInt() + 1;
                ctx.state().put("n", done);
                return done >= ctx.input().path("steps").asInt(1) ? StepOutcome.complete(done) : StepOutcome.next();
            });
        }
        return List.of(
                chain.build(),
                Agent.named("bench-3step")
                        .step("one", ctx -> StepOutcome.next())
                        .step("two", ctx -> StepOutcome.next())
                        .step("three", ctx -> StepOutcome.complete(null))
                        .build(),
                Agent.named("bench-wait")
                        .step("ask", ctx -> StepOutcome.await(Wait.token(Duration.ofDays(1)).build()))
                        .step("resumed", ctx -> StepOutcome.complete(null))
                        .build(),
                Agent.named("bench-work")
                        .step("work", ctx -> {
                            Thread.sleep(ctx.input().path("millis").asLong());
                            return StepOutcome.complete(null);
                        })
                        .build());
    }
}
