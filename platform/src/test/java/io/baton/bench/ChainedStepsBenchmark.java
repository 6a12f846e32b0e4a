package io.baton.bench;

import static org.awaitility.Awaitility.await;

import io.baton.agent.Agent;
import io.baton.agent.StepOutcome;
import io.baton.node.BatonNode;
import io.baton.testing.PostgresExtension;
import io.baton.testing.TestDatabase;
import io.baton.testing.TestNodes;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Prints chained-step throughput on two nodes (no assertion on speed). Run with {@code ./mvnw verify -Pbench};
 * size it with {@code -Dbench.tasks=200 -Dbench.steps=50}.
 */
@ExtendWith(PostgresExtension.class)
class ChainedStepsBenchmark {

    @Test
    void chainedStepsPerSecondOnTwoNodes(TestDatabase db) {
        int tasks = Integer.getInteger("bench.tasks", 200);
        int steps = Integer.getInteger("bench.steps", 50);
        Agent.Builder chain = Agent.named("chain");
        for (int i = 0; i < steps; i++) {
            chain.step("s" + i, ctx -> {
                ctx.state().put("n", ctx.state().path("n").asInt() + 1);
                return StepOutcome.next();
            });
        }
        Agent agent = chain.build();
        try (BatonNode a = BatonNode.builder(TestNodes.config(db, "bench-a")).agent(agent).start();
             BatonNode b = BatonNode.builder(TestNodes.config(db, "bench-b")).agent(agent).start()) {
            long started = System.nanoTime();
            for (int i = 0; i < tasks; i++) {
                (i % 2 == 0 ? a : b).tasks().start("chain", null, null);
            }
            double startSeconds = (System.nanoTime() - started) / 1e9;
            await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    ((Number) db.queryValue("SELECT count(*) FROM baton_task WHERE state = 'SUCCEEDED'")).intValue()
                            == tasks);
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("BENCH chained steps: %d tasks x %d steps on two nodes in %.1f s = %.0f steps/s "
                    + "(starting the tasks took %.1f s)%n", tasks, steps, seconds, tasks * steps / seconds, startSeconds);
        }
    }
}
