package io.baton.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database crashes ({@code kill -9} of PostgreSQL) while two nodes are in the middle of running tasks, and comes
 * back a few seconds later: every task whose start was acknowledged finishes, each step checkpointed once and each
 * effect applied once.
 */
class DatabaseCrashIT {
    private static final int TASKS = 20;

    @TempDir
    Path work;

    @Test
    void tasksInFlightWhenTheDatabaseCrashesAllFinishOnceItIsBack() throws Exception {
        try (CrashablePostgres postgres = CrashablePostgres.start(work.resolve("pg"))) {
            TestDatabase db = postgres.createDatabase("chaos_crash");
            try (ChaosCluster cluster = new ChaosCluster(db, work.resolve("nodes"))) {
                cluster.start("crash-1");
                cluster.start("crash-2");
                List<UUID> ids = new ArrayList<>();
                for (int i = 0; i < TASKS; i++) {
                    ids.add(UUID.fromString(cluster.startTask(i % 2 == 0 ? "crash-1" : "crash-2",
                            "{\"agent\": \"chaos-chain\", \"input\": {\"workMillis\": 1500}}")));
                }
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        (Long) db.queryValue("SELECT count(*) FROM baton_step") >= 5);

                long before = (Long) db.queryValue("SELECT count(*) FROM baton_step");
                long pid = postgres.crash();
                cluster.record("SIGKILL PostgreSQL postmaster (pid " + pid + ") with " + before + " of " + TASKS * 3
                        + " checkpoints written");
                await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
                postgres.startAgain();
                cluster.record("PostgreSQL restarted on the same data directory");

                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                        .until(() -> (Long) db.queryValue(
                                "SELECT count(*) FROM baton_task WHERE state = 'SUCCEEDED'") == TASKS);

                assertThat(db.queryValue("SELECT count(*) FROM baton_task")).isEqualTo((long) TASKS);
                for (UUID id : ids) {
                    assertThat(db.queryValue("SELECT string_agg(step_name || ':' || seq, ',' ORDER BY seq)"
                            + " FROM baton_step WHERE task_id = ?", id)).isEqualTo("prepare:1,work:2,finish:3");
                    assertThat(db.queryValue("SELECT count(*) FROM chaos_effect WHERE idempotency_key LIKE ?",
                            id + ":%")).isEqualTo(3L);
                }
            }
        }
    }
}
