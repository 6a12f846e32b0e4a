package io.baton.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.execution.FaultPoint;
import io.baton.execution.HaltingFaultInjector;
import io.baton.testing.PostgresExtension;
import io.baton.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Crashes a node at each named fault point of step 'work' (the process halts like {@code kill -9}), then starts a
 * healthy node: the task must finish with exactly one checkpoint per step and the step's effect applied once.
 */
@ExtendWith(PostgresExtension.class)
class FaultPointIT {

    @TempDir
    Path work;

    @ParameterizedTest
    @EnumSource(FaultPoint.class)
    void aNodeHaltedAtAFaultPointLeavesATaskThatAnotherNodeFinishesExactlyOnce(FaultPoint point, TestDatabase db)
            throws Exception {
        try (ChaosCluster cluster = new ChaosCluster(db, work.resolve(point.label()))) {
            String armed = "armed-" + point.label();
            cluster.record("arming BATON_FAULT_POINT=" + point.label() + ":work on " + armed);
            cluster.start(armed, "BATON_FAULT_POINT", point.label() + ":work", "BATON_SLICE_MAX_STEPS", "1");
            // The node may halt before its answer to the start is on the wire (the first step is quick): the task
            // is then found by its idempotency key (the start committed before any step ran).
            String key = "fault-" + point.label();
            try {
                cluster.startTask(armed, "{\"agent\": \"chaos-chain\", \"input\": {\"workMillis\": 10}, "
                        + "\"idempotencyKey\": \"" + key + "\"}");
            } catch (java.io.IOException e) {
                cluster.record("the start's answer was lost as " + armed + " halted (" + e.getMessage() + ")");
            }
            String taskId = db.queryValue("SELECT id FROM baton_task WHERE idempotency_key = ?", key).toString();

            assertThat(cluster.node(armed).awaitExit(Duration.ofSeconds(60)))
                    .isEqualTo(HaltingFaultInjector.EXIT_CODE);
            assertThat(cluster.node(armed).stdout()).contains("FAULT INJECTED: halting node " + armed + " at "
                    + point.label() + " of step 'work' of task " + taskId);
            cluster.record("node " + armed + " halted itself at " + point.label());

            String rescuer = "rescuer-" + point.label();
            cluster.start(rescuer);
            UUID id = UUID.fromString(taskId);
            await().atMost(Duration.ofSeconds(90)).until(() ->
                    "SUCCEEDED".equals(db.queryValue("SELECT state FROM baton_task WHERE id = ?", id)));

            assertThat(db.queryValue("SELECT string_agg(step_name || ':' || seq, ',' ORDER BY seq) FROM baton_step"
                    + " WHERE task_id = ?", id)).isEqualTo("prepare:1,work:2,finish:3");
            assertThat(db.queryValue("SELECT count(*) FROM chaos_effect WHERE idempotency_key = ?", taskId + ":2"))
                    .isEqualTo(1L);
            long workRuns = (Long) db.queryValue(
                    "SELECT count(*) FROM chaos_run WHERE task_id = ? AND step = 'work'", id);
            assertThat(workRuns).isEqualTo(point == FaultPoint.AFTER_STEP_BODY ? 2L : 1L);
            assertThat(db.queryValue("SELECT count(*) FROM chaos_run WHERE task_id = ? AND step = 'finish'", id))
                    .isEqualTo(1L);
        }
    }
}
