package io.baton.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.json.JsonMappers;
import io.baton.persistence.Database;
import io.baton.task.ReadyQueue;
import io.baton.task.ReadyQueue.Claimed;
import io.baton.task.TaskRepository;
import io.baton.task.TaskState;
import io.baton.testing.PostgresExtension;
import io.baton.testing.TestDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The claim is the one guarded transition: dispatchers of two nodes racing over the same ready tasks (every claimer
 * woken for every task, as a storm of notifications would) claim each task exactly once, recovered work first.
 */
@ExtendWith(PostgresExtension.class)
class ReadyQueueIT {

    @Test
    void racingClaimsFromTwoNodesTakeEveryTaskExactlyOnce(TestDatabase db) throws Exception {
        try (Database a = Database.connect(db.url(), db.user(), db.password(), 12, "race-a");
             Database b = Database.connect(db.url(), db.user(), db.password(), 12, "race-b")) {
            a.migrate();
            TaskRepository tasksA = new TaskRepository(a.dataSource(), JsonMappers.create());
            Instant now = Instant.now();
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                UUID id = UUID.randomUUID();
                tasksA.insert(id, "race", JsonMappers.create().createObjectNode(), "only", null, now.minusMillis(i));
                ids.add(id);
            }
            List<ReadyQueue> queues = List.of(new ReadyQueue(a.dataSource(), tasksA),
                    new ReadyQueue(b.dataSource(), new TaskRepository(b.dataSource(), JsonMappers.create())));
            Map<UUID, String> claimedBy = new ConcurrentHashMap<>();
            List<String> doubles = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> claimers = new ArrayList<>();
                for (int t = 0; t < 16; t++) {
                    String node = (t % 2 == 0 ? "node-a-" : "node-b-") + t;
                    ReadyQueue queue = queues.get(t % 2);
                    claimers.add(pool.submit(() -> {
                        go.await();
                        List<Claimed> batch;
                        do {
                            batch = queue.claim(node, 7, Instant.now());
                            for (Claimed claimed : batch) {
                                if (claimedBy.putIfAbsent(claimed.task().id(), node) != null) {
                                    synchronized (doubles) {
                                        doubles.add(claimed.task().id() + " by " + node);
                                    }
                                }
                                assertThat(claimed.task().state()).isEqualTo(TaskState.RUNNING);
                                assertThat(claimed.task().attempt()).isEqualTo(1);
                            }
                        } while (!batch.isEmpty());
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> claimer : claimers) {
                    claimer.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(doubles).isEmpty();
            assertThat(claimedBy.keySet()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(db.queryValue("SELECT count(*) FROM baton_task WHERE state = 'RUNNING' AND attempt = 1"))
                    .isEqualTo(500L);
            assertThat(claimedBy.values().stream().map(n -> n.substring(0, 6)).distinct()).hasSize(2);
        }
    }

    @Test
    void recoveredWorkIsClaimedBeforeWorkThatWasDueEarlier(TestDatabase db) throws Exception {
        try (Database database = Database.connect(db.url(), db.user(), db.password(), 4, "order")) {
            database.migrate();
            TaskRepository tasks = new TaskRepository(database.dataSource(), JsonMappers.create());
            ReadyQueue queue = new ReadyQueue(database.dataSource(), tasks);
            Instant now = Instant.now();
            UUID old = UUID.randomUUID();
            UUID recovered = UUID.randomUUID();
            tasks.insert(old, "order", JsonMappers.create().createObjectNode(), "only", null, now.minusSeconds(60));
            tasks.insert(recovered, "order", JsonMappers.create().createObjectNode(), "only", null, now);
            db.queryValue("UPDATE baton_task SET state = 'RUNNING', attempt = 1, owner = 'gone', wake_at = NULL "
                    + "WHERE id = ? RETURNING id", recovered);
            assertThat(tasks.recover(recovered, 1, false, "no-such-cluster", now)).isTrue();

            List<Claimed> first = queue.claim("survivor", 1, Instant.now());
            assertThat(first).singleElement().satisfies(claimed -> {
                assertThat(claimed.task().id()).isEqualTo(recovered);
                assertThat(claimed.recovered()).isTrue();
                assertThat(claimed.previousOwner()).isEqualTo("gone");
                assertThat(claimed.previousAttempt()).isEqualTo(1);
                assertThat(claimed.task().attempt()).isEqualTo(2);
            });
            assertThat(queue.claim("survivor", 5, Instant.now())).singleElement()
                    .satisfies(claimed -> assertThat(claimed.task().id()).isEqualTo(old));
        }
    }
}
