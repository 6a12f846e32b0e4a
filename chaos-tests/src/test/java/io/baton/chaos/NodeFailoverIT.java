package io.baton.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.testing.PostgresExtension;
import io.baton.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node dies or freezes while one of its steps runs: another node re-runs the step and finishes the task; the
 * step's side effect, keyed by its idempotency key, applies once; a frozen node that wakes up has its checkpoint
 * rejected and counted.
 */
@ExtendWith(PostgresExtension.class)
class NodeFailoverIT {
    private static final Duration FINISH = Duration.ofSeconds(90);

    @TempDir
    Path work;

    @Test
    void aNodeKilledMidStepHasTheStepRerunElsewhereAndTheTaskCompletes(TestDatabase db) throws Exception {
        try (ChaosCluster cluster = new ChaosCluster(db, work)) {
            cluster.start("kill-1");
            cluster.start("kill-2");
            String taskId = cluster.startTask("kill-1", "{\"agent\": \"chaos-chain\", \"input\": {\"workMillis\": 4000}}");
            String victim = awaitWorkStartedOn(db, taskId);

            Instant killedAt = cluster.kill(victim, "while step 'work' of task " + taskId + " runs");
            String survivor = victim.equals("kill-1") ? "kill-2" : "kill-1";

            await().atMost(FINISH).until(() -> "SUCCEEDED".equals(
                    db.queryValue("SELECT state FROM baton_task WHERE id = ?", UUID.fromString(taskId))));
            Timestamp rerun = (Timestamp) db.queryValue(
                    "SELECT max(at) FROM chaos_run WHERE task_id = ? AND step = 'work'", UUID.fromString(taskId));
            System.out.printf("CHAOS failover: step 'work' re-started on %s %d ms after SIGKILL of %s%n", survivor,
                    Duration.between(killedAt, rerun.toInstant()).toMillis(), victim);

            assertThat(db.queryValue("""
                    SELECT string_agg(step_name || '@' || node, ',' ORDER BY seq) FROM baton_step WHERE task_id = ?""",
                    UUID.fromString(taskId))).isEqualTo("prepare@" + victim + ",work@" + survivor + ",finish@" + survivor);
            assertThat(db.queryValue("SELECT count(*) FROM chaos_run WHERE task_id = ? AND step = 'work'",
                    UUID.fromString(taskId))).isEqualTo(2L);
            assertThat(db.queryValue("SELECT count(DISTINCT idempotency_key) FROM chaos_run WHERE task_id = ?"
                    + " AND step = 'work'", UUID.fromString(taskId))).isEqualTo(1L);
            assertThat(db.queryValue("SELECT count(*) FROM chaos_effect WHERE idempotency_key = ?", taskId + ":2"))
                    .isEqualTo(1L);
            assertThat((Long) db.queryValue("SELECT attempt FROM baton_task WHERE id = ?", UUID.fromString(taskId)))
                    .isGreaterThanOrEqualTo(2L);
        }
    }

    @Test
    void aFrozenNodeThatWakesUpAfterItsTaskWasTakenOverHasItsCheckpointRejected(TestDatabase db) throws Exception {
        try (ChaosCluster cluster = new ChaosCluster(db, work)) {
            cluster.start("pause-1");
            cluster.start("pause-2");
            String taskId = cluster.startTask("pause-1",
                    "{\"agent\": \"chaos-chain\", \"input\": {\"workMillis\": 5000}}");
            String frozen = awaitWorkStartedOn(db, taskId);
            String survivor = frozen.equals("pause-1") ? "pause-2" : "pause-1";

            cluster.pause(frozen, "while step 'work' of task " + taskId + " runs");
            await().atMost(FINISH).until(() -> "SUCCEEDED".equals(
                    db.queryValue("SELECT state FROM baton_task WHERE id = ?", UUID.fromString(taskId))));
            cluster.resume(frozen, "after its task finished elsewhere");

            await().atMost(FINISH).until(() -> (Long) db.queryValue(
                    "SELECT count(*) FROM baton_fenced_checkpoint WHERE task_id = ?", UUID.fromString(taskId)) > 0);
            assertThat(db.queryValue("SELECT node || ':' || step_name || ':' || attempt FROM baton_fenced_checkpoint"
                    + " WHERE task_id = ?", UUID.fromString(taskId))).isEqualTo(frozen + ":work:1");
            assertThat(db.queryValue("SELECT string_agg(step_name || '@' || node, ',' ORDER BY seq) FROM baton_step"
                    + " WHERE task_id = ?", UUID.fromString(taskId)))
                    .isEqualTo("prepare@" + frozen + ",work@" + survivor + ",finish@" + survivor);
            assertThat(db.queryValue("SELECT count(*) FROM chaos_effect WHERE idempotency_key = ?", taskId + ":2"))
                    .isEqualTo(1L);
            assertThat(db.queryValue("SELECT state FROM baton_task WHERE id = ?", UUID.fromString(taskId)))
                    .isEqualTo("SUCCEEDED");
        }
    }

    /** Waits until the 'work' step body has started and returns the node running it. */
    private static String awaitWorkStartedOn(TestDatabase db, String taskId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> db.queryValue(
                "SELECT node FROM chaos_run WHERE task_id = ? AND step = 'work'", UUID.fromString(taskId)) != null);
        return (String) db.queryValue("SELECT node FROM chaos_run WHERE task_id = ? AND step = 'work'",
                UUID.fromString(taskId));
    }
}
