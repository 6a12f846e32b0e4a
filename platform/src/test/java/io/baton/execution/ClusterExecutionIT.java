package io.baton.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.agent.Agent;
import io.baton.agent.StepOutcome;
import io.baton.event.EngineEvent.Type;
import io.baton.node.BatonNode;
import io.baton.testing.EventRecorder;
import io.baton.testing.PostgresExtension;
import io.baton.testing.TestDatabase;
import io.baton.testing.TestNodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class ClusterExecutionIT {
    private static final int TASKS = 1000;
    private static final List<String> STEPS = List.of("one", "two", "three", "four", "five");

    static Agent fiveSteps() {
        Agent.Builder builder = Agent.named("five-steps");
        for (String step : STEPS) {
            builder.step(step, ctx -> {
                ctx.state().withArray("visited").add(step);
                return StepOutcome.next();
            });
        }
        return builder.build();
    }

    @Test
    void aThousandTasksOfFiveStepsCompleteOnTwoNodesWithExactlyFiveCheckpointsEach(TestDatabase db) {
        EventRecorder eventsA = new EventRecorder();
        EventRecorder eventsB = new EventRecorder();
        try (BatonNode a = BatonNode.builder(TestNodes.config(db, "exec-a", "BATON_SLICE_MAX_STEPS", "2"))
                .agent(fiveSteps()).listener(eventsA).start();
             BatonNode b = BatonNode.builder(TestNodes.config(db, "exec-b", "BATON_SLICE_MAX_STEPS", "2"))
                     .agent(fiveSteps()).listener(eventsB).start()) {
            List<UUID> ids = new ArrayList<>();
            long started = System.nanoTime();
            for (int i = 0; i < TASKS; i++) {
                BatonNode starter = i % 2 == 0 ? a : b;
                ids.add(starter.tasks().start("five-steps", a.json().createObjectNode().put("n", i), null).task().id());
            }

            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() ->
                    ((Number) db.queryValue("SELECT count(*) FROM baton_task WHERE state = 'SUCCEEDED'"))
                            .intValue() == TASKS);
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("%d tasks x %d steps on two nodes in %.1f s (%.0f steps/s incl. starts)%n", TASKS,
                    STEPS.size(), seconds, TASKS * STEPS.size() / seconds);

            assertThat(db.queryValue("SELECT count(*) FROM baton_task WHERE state <> 'SUCCEEDED'")).isEqualTo(0L);
            assertThat(db.queryValue("""
                    SELECT count(*) FROM (SELECT task_id FROM baton_step GROUP BY task_id
                     HAVING count(*) = 5 AND min(seq) = 1 AND max(seq) = 5
                        AND string_agg(step_name, ',' ORDER BY seq) = 'one,two,three,four,five') ok""")).isEqualTo(
                    (long) TASKS);
            assertThat(db.queryValue("SELECT count(*) FROM baton_step")).isEqualTo((long) TASKS * 5);
            assertThat(db.queryValue("SELECT count(*) FROM baton_fenced_checkpoint")).isEqualTo(0L);
            assertThat(db.queryValue("""
                    SELECT count(*) FROM baton_task WHERE result -> 'visited' = '["one","two","three","four","five"]'
                    """)).isEqualTo((long) TASKS);
            assertThat(eventsA.count(Type.STEP_STARTED) + eventsB.count(Type.STEP_STARTED)).isEqualTo(TASKS * 5L);
            assertThat(eventsA.count(Type.STEP_COMPLETED)).isPositive();
            assertThat(eventsB.count(Type.STEP_COMPLETED)).isPositive();
            assertThat(ids).doesNotHaveDuplicates();
        }
    }
}
