package io.baton.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.testing.PostgresExtension;
import io.baton.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariant 1: no acknowledged resume is lost. Resumes are acknowledged by one node, which is killed the moment the
 * acknowledgements arrive; the other node must run every resumed task to the end, each resumed exactly once.
 */
@ExtendWith(PostgresExtension.class)
class ResumeDurabilityIT {
    private static final int TASKS = 10;

    @TempDir
    Path work;

    @Test
    void resumesAcknowledgedByANodeThatIsThenKilledAreAllCarriedOutByTheOther(TestDatabase db) throws Exception {
        try (ChaosCluster cluster = new ChaosCluster(db, work)) {
            cluster.start("ack-1");
            cluster.start("ack-2");
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < TASKS; i++) {
                ids.add(cluster.startTask("ack-2", "{\"agent\": \"chaos-approval\", \"input\": {}}"));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> "WAITING".equals(
                    db.queryValue("SELECT state FROM baton_task WHERE id = ?", UUID.fromString(id)))));

            List<String> acknowledged = new ArrayList<>();
            for (String id : ids) {
                JsonNode task = cluster.task("ack-2", id);
                String path = URI.create(task.path("waits").get(0).path("resumeUrl").asText()).getPath();
                HttpResponse<String> receipt = cluster.post("ack-1", path, "{\"approved\": true, \"task\": \"" + id
                        + "\"}");
                assertThat(receipt.statusCode()).as(receipt.body()).isEqualTo(200);
                acknowledged.add(id);
            }
            cluster.kill("ack-1", "right after it acknowledged " + acknowledged.size() + " resumes");

            await().atMost(Duration.ofSeconds(90)).until(() -> (Long) db.queryValue(
                    "SELECT count(*) FROM baton_task WHERE state = 'SUCCEEDED' AND agent = 'chaos-approval'")
                    == TASKS);
            for (String id : acknowledged) {
                UUID task = UUID.fromString(id);
                assertThat(db.queryValue("SELECT result ->> 'task' FROM baton_task WHERE id = ?", task)).isEqualTo(id);
                assertThat(db.queryValue("SELECT count(*) FROM chaos_effect WHERE idempotency_key = ?", id + ":2"))
                        .isEqualTo(1L);
                assertThat(db.queryValue("SELECT string_agg(step_name, ',' ORDER BY seq) FROM baton_step"
                        + " WHERE task_id = ?", task)).isEqualTo("ask,act");
            }
        }
    }
}
