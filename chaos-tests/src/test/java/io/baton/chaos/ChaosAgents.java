package io.baton.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.agent.Agent;
import io.baton.agent.AgentProvider;
import io.baton.agent.StepContext;
import io.baton.agent.StepOutcome;
import io.baton.agent.Wait;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Agents the chaos suite runs inside real node processes (found through {@code META-INF/services}). Their steps
 * write to two tables of the test database, the side-effect ledger:
 * <ul>
 *   <li>{@code chaos_run} gets a row every time a step body starts (to count re-runs and to see which dangerous
 *       windows a run hit);</li>
 *   <li>{@code chaos_effect} is the side effect, applied the way an idempotent external system applies it: once per
 *       idempotency key (under a lock on the key). It is append-only, so an effect applied twice shows as two rows.
 *       </li>
 * </ul>
 * Every step runs once per task in a correct run: the checker relies on it.
 */
public final class ChaosAgents implements AgentProvider {
    static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS chaos_run (task_id uuid, step text, idempotency_key text, try_number int,
                                                  node text, at timestamptz DEFAULT clock_timestamp());
            CREATE TABLE IF NOT EXISTS chaos_effect (idempotency_key text, task_id uuid, step text, try_number int,
                                                     node text, at timestamptz DEFAULT clock_timestamp());
            """;
    /** The event source the {@code chaos-event} agent waits on (unsigned; the key is the event's {@code /orderId}). */
    static final String EVENT_SOURCE = "orders,none,/orderId,1h";

    @Override
    public List<Agent> agents() {
        return List.of(Agent.named("chaos-chain")
                        .step("prepare", ctx -> effect(ctx, "prepare", 0))
                        .step("work", ctx -> effect(ctx, "work", ctx.input().path("workMillis").asLong()))
                        .step("finish", ctx -> effect(ctx, "finish", 0))
                        .build(),
                Agent.named("chaos-approval")
                        .step("ask", ctx -> {
                            ctx.resumeLink();
                            return StepOutcome.await(Wait.token(Duration.ofHours(1)).onFailure("act").build());
                        })
                        .step("act", ctx -> {
                            effect(ctx, "act", 0);
                            JsonNode decision = ctx.resumedWith();
                            return StepOutcome.complete(decision == null ? Map.of() : decision);
                        })
                        .build(),
                Agent.named("chaos-event")
                        .step("await", ctx -> StepOutcome.await(Wait.event("orders",
                                ctx.input().path("orderId").asText(), Duration.ofHours(1)).build()))
                        .step("ship", ctx -> {
                            effect(ctx, "ship", 0);
                            return StepOutcome.complete(ctx.resumedWith());
                        })
                        .build(),
                // A bad value inside a task: the step asks for an impossible sleep. The task must fail cleanly, once.
                Agent.named("chaos-poison")
                        .step("swallow", ctx -> {
                            effect(ctx, "swallow", 0);
                            return StepOutcome.sleep(Duration.ofSeconds(-ctx.input().path("seconds").asLong(1)));
                        })
                        .build());
    }

    private static StepOutcome effect(StepContext ctx, String step, long workMillis) throws Exception {
        String node = System.getenv("BATON_NODE_ID");
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO chaos_run (task_id, step, idempotency_key, try_number, node) VALUES (?, ?, ?, ?, ?)")) {
            ps.setObject(1, ctx.taskId());
            ps.setString(2, step);
            ps.setString(3, ctx.idempotencyKey());
            ps.setInt(4, ctx.attempt());
            ps.setString(5, node);
            ps.executeUpdate();
        }
        Thread.sleep(workMillis);
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))");
                 PreparedStatement apply = c.prepareStatement("""
                         INSERT INTO chaos_effect (idempotency_key, task_id, step, try_number, node)
                         SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM chaos_effect WHERE idempotency_key = ?)""")) {
                lock.setString(1, ctx.idempotencyKey());
                lock.execute();
                apply.setString(1, ctx.idempotencyKey());
                apply.setObject(2, ctx.taskId());
                apply.setString(3, step);
                apply.setInt(4, ctx.attempt());
                apply.setString(5, node);
                apply.setString(6, ctx.idempotencyKey());
                apply.executeUpdate();
            }
            c.commit();
        }
        ctx.state().withArray("done").add(step);
        return StepOutcome.next();
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(System.getenv("CHAOS_LEDGER_URL") != null
                        ? System.getenv("CHAOS_LEDGER_URL") : System.getenv("BATON_DB_URL"),
                System.getenv("BATON_DB_USER"), System.getenv("BATON_DB_PASSWORD"));
    }
}
