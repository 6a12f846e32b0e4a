package io.baton.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.baton.agent.Agent;
import io.baton.agent.StepOutcome;
import io.baton.execution.BacklogFullException;
import io.baton.node.BatonNode;
import io.baton.task.TaskState;
import io.baton.testing.PostgresExtension;
import io.baton.testing.TestDatabase;
import io.baton.testing.TestNodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Starts beyond the ready backlog's bound are refused with a typed exception; the backlog and lag are metrics. */
@ExtendWith(PostgresExtension.class)
class BackpressureIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void startsBeyondTheBacklogBoundAreRefusedUntilItDrains(TestDatabase db) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Agent blocker = Agent.named("blocker").step("hold", ctx -> {
            release.await(60, TimeUnit.SECONDS);
            return StepOutcome.complete(null);
        }).build();
        Agent other = Agent.named("other").step("only", ctx -> StepOutcome.complete(null)).build();
        try (BatonNode node = BatonNode.builder(TestNodes.config(db, "pressure", "BATON_WORKER_THREADS", "1",
                "BATON_MAX_BACKLOG", "5", "BATON_MAX_BACKLOG_PER_AGENT", "3")).agent(blocker).agent(other).start()) {
            try {
                List<UUID> started = new ArrayList<>();
                started.add(node.tasks().start("blocker", null, null).task().id()); // takes the only worker
                await().atMost(WAIT).until(() -> state(node, started.get(0)) == TaskState.RUNNING);
                long measured = node.backlog().measurements();
                await().atMost(WAIT).until(() -> node.backlog().measurements() > measured + 1); // sees it claimed
                started.add(node.tasks().start("blocker", null, "keyed").task().id());
                started.add(node.tasks().start("blocker", null, null).task().id());
                started.add(node.tasks().start("blocker", null, null).task().id());

                assertThatThrownBy(() -> node.tasks().start("blocker", null, null))
                        .isInstanceOfSatisfying(BacklogFullException.class,
                                e -> assertThat(e.retryAfter()).isGreaterThanOrEqualTo(Duration.ofSeconds(1)))
                        .hasMessageContaining("agent 'blocker' holds 3 tasks, at its bound of 3");
                assertThat(node.tasks().start("blocker", null, "keyed").created())
                        .as("a repeated idempotency key is answered even when the backlog is full").isFalse();
                started.add(node.tasks().start("other", null, null).task().id());
                started.add(node.tasks().start("other", null, null).task().id());
                assertThatThrownBy(() -> node.tasks().start("other", null, null))
                        .isInstanceOf(BacklogFullException.class)
                        .hasMessageContaining("at its bound of 5 (BATON_MAX_BACKLOG)");
                assertThat(db.queryValue("SELECT count(*) FROM baton_task")).isEqualTo(6L);

                await().atMost(WAIT).ignoreException(BacklogFullException.class).untilAsserted(() -> {
                    assertThat(metric(node, "baton_backlog_tasks")).isEqualTo(5.0);
                    assertThat(metric(node, "baton_queue_lag_seconds")).isGreaterThan(0.2);
                });
                release.countDown();
                await().atMost(WAIT).until(() -> started.stream().allMatch(id -> state(node, id).isTerminal()));
                await().atMost(WAIT).ignoreException(BacklogFullException.class).untilAsserted(() ->
                        assertThat(node.tasks().start("other", null, null).created()).isTrue());
            } finally {
                release.countDown();
            }
        }
    }

    private static TaskState state(BatonNode node, UUID id) {
        return node.tasks().find(id).orElseThrow().task().state();
    }

    private static double metric(BatonNode node, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(node.scrapeMetrics());
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}
