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
 * Crashes a node at each fault point of the step that opens a wait, with a callback endpoint registered: whether the
 * step is re-run elsewhere or not, the wait is opened once and announced once ({@code task.waiting} in the outbox),
 * never announced without a wait, never opened without its announcement.
 */
@ExtendWith(PostgresExtension.class)
class WaitAnnouncementIT {

    @TempDir
    Path work;

    @ParameterizedTest
    @EnumSource(FaultPoint.class)
    void aWaitOpenedAcrossACrashIsAnnouncedExactlyOnce(FaultPoint point, TestDatabase db) throws Exception {
        try (ChaosCluster cluster = new ChaosCluster(db, work.resolve(point.label()))) {
            String armed = "armed-" + point.label();
            cluster.record("arming BATON_FAULT_POINT=" + point.label() + ":ask on " + armed);
            cluster.start(armed, "BATON_FAULT_POINT", point.label() + ":ask");
            // An endpoint for every event, written as the admin API would (the outbox only needs it to exist).
            db.execute("""
                    INSERT INTO baton_callback (id, url, event_types, secret_key_id, secret, created_at, updated_at)
                    VALUES ('00000000-0000-0000-0000-0000000000ca', 'https://hooks.example.com/baton', '{*}', 'test',
                            'sealed', now(), now())
                    ON CONFLICT DO NOTHING""");
            // 'ask' is the first step: at before-step-body the node may halt before its answer to the start is
            // sent, so the task is found by its idempotency key (the start committed before the step ran).
            String key = "announce-" + point.label();
            try {
                cluster.startTask(armed, "{\"agent\": \"chaos-approval\", \"idempotencyKey\": \"" + key + "\"}");
            } catch (java.io.IOException e) {
                cluster.record("the start's answer was lost as " + armed + " halted (" + e.getMessage() + ")");
            }
            String taskId = db.queryValue("SELECT id FROM baton_task WHERE idempotency_key = ?", key).toString();

            assertThat(cluster.node(armed).awaitExit(Duration.ofSeconds(60)))
                    .isEqualTo(HaltingFaultInjector.EXIT_CODE);
            cluster.record("node " + armed + " halted itself at " + point.label() + " of step 'ask'");

            String rescuer = "rescuer-" + point.label();
            cluster.start(rescuer);
            UUID id = UUID.fromString(taskId);
            await().atMost(Duration.ofSeconds(90)).until(() ->
                    "WAITING".equals(db.queryValue("SELECT state FROM baton_task WHERE id = ?", id)));

            assertThat(db.queryValue("SELECT count(*) FROM baton_wait WHERE task_id = ? AND state = 'OPEN'", id))
                    .isEqualTo(1L);
            assertThat(db.queryValue("SELECT count(*) FROM baton_event WHERE task_id = ? AND type = 'task.waiting'",
                    id)).isEqualTo(1L);
            assertThat(db.queryValue("""
                    SELECT count(*) FROM baton_event e JOIN baton_wait w ON w.id = e.wait_id
                     WHERE e.task_id = ? AND w.state = 'OPEN'""", id)).isEqualTo(1L);
            assertThat(db.queryValue("SELECT count(*) FROM baton_callback_delivery d JOIN baton_event e "
                    + "ON e.id = d.event_id WHERE e.task_id = ?", id)).isEqualTo(1L);
        }
    }
}
