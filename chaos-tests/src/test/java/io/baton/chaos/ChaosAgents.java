package io.baton.chaos;

import io.baton.agent.Agent;
import io.baton.agent.AgentProvider;
import io.baton.agent.StepContext;
import io.baton.agent.StepOutcome;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import io.baton.agent.Wait;
import java.time.Duration;
import java.util.List;

/**
 * Agents the chaos suite runs inside real node processes (found through {@code META-INF/services}). Their steps
 * write to two tables of the test database: {@code chaos_run} gets a row every time a step body starts (to count
 * re-runs), {@code chaos_effect} is the side effect, keyed by the step's idempotency key so it applies once.
 */
public final class ChaosAgents implements AgentProvider {
    static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS chaos_run (task_id uuid, step text, idempotency_key text, node text,
                                                  at timestamptz DEFAULT clock_timestamp());
            CREATE TABLE IF NOT EXISTS chaos_effect (idempotency_key text PRIMARY KEY, node text,
                                                     at timestamptz DEFAULT clock_timestamp());
            """;

    @Override
    public List<Agent> agents() {
        return List.of(Agent.named("chaos-chain")
                        .step("prepare", ctx -> effect(ctx, "prepare", 0))
                        .step("work", ctx -> effect(ctx, "work", ctx.input().path("workMillis").asLong()))
                        .step("finish", ctx -> effect(ctx, "finish", 0))
                        .build(),
                Agent.named("chaos-approval")
                        .step("ask", ctx -> StepOutcome.await(Wait.token(Duration.ofMinutes(10)).build()))
                        .step("act", ctx -> {
                            effect(ctx, "act", 0);
                            return StepOutcome.complete(ctx.resumedWith());
                        })
                        .build());
    }

    private static StepOutcome effect(StepContext ctx, String step, long workMillis) throws Exception {
        String node = System.getenv("BATON_NODE_ID");
        try (Connection c = connect()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO chaos_run (task_id, step, idempotency_key, node) VALUES (?, ?, ?, ?)")) {
                ps.setObject(1, ctx.taskId());
                ps.setString(2, step);
                ps.setString(3, ctx.idempotencyKey());
                ps.setString(4, node);
                ps.executeUpdate();
            }
        }
        Thread.sleep(workMillis);
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO chaos_effect (idempotency_key, node) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, ctx.idempotencyKey());
            ps.setString(2, node);
            ps.executeUpdate();
        }
        ctx.state().withArray("done").add(step);
        return StepOutcome.next();
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(System.getenv("BATON_DB_URL"), System.getenv("BATON_DB_USER"),
                System.getenv("BATON_DB_PASSWORD"));
    }
}
