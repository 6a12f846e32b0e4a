package io.baton.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.agent.Agent;
import io.baton.agent.InvalidOutcomeException;
import io.baton.agent.NonRetryableException;
import io.baton.agent.RetryPolicy;
import io.baton.agent.StepOutcome;
import io.baton.event.EngineEvent.Type;
import io.baton.json.JsonMappers;
import io.baton.persistence.StoreRejectedException;
import io.baton.node.BatonNode;
import io.baton.task.StepRecord;
import io.baton.task.Task;
import io.baton.task.TaskRepository;
import io.baton.execution.TaskService;
import io.baton.execution.TaskService.CancelResult;
import io.baton.task.TaskState;
import io.baton.task.InvalidStartException;
import io.baton.task.UnknownAgentException;
import io.baton.testing.EventRecorder;
import io.baton.testing.PostgresExtension;
import io.baton.testing.TestDatabase;
import io.baton.testing.TestNodes;
import io.baton.agent.Wait;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The engine's behaviours on one real node and a real PostgreSQL. */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskEngineIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final EventRecorder events = new EventRecorder();
    private final Map<UUID, AtomicInteger> tries = new ConcurrentHashMap<>();
    private final Map<UUID, List<String>> keys = new ConcurrentHashMap<>();
    private final List<Instant> flakyTryTimes = new CopyOnWriteArrayList<>();
    private final CountDownLatch blockerEntered = new CountDownLatch(1);
    private final CountDownLatch releaseBlocker = new CountDownLatch(1);
    private TestDatabase db;
    private BatonNode node;
    private TaskService tasks;

    @BeforeAll
    void startNode(TestDatabase database) {
        db = database;
        node = BatonNode.builder(TestNodes.config(db, "engine-1"))
                .agents(List.of(flaky(), strict(), slow(), blocker(), sleeper(), jumper(), simple(), unstorable(),
                        approvalThatFailsOnce()))
                .listener(events)
                .start();
        tasks = node.tasks();
    }

    @AfterAll
    void stopNode() {
        node.close();
    }

    private Agent flaky() {
        RetryPolicy policy = RetryPolicy.builder().maxAttempts(3)
                .backoff(Duration.ofMillis(300), Duration.ofSeconds(5), 2.0).jitter(0).build();
        return Agent.named("flaky").step("call", ctx -> {
            flakyTryTimes.add(Instant.now());
            keys.computeIfAbsent(ctx.taskId(), k -> new CopyOnWriteArrayList<>()).add(ctx.idempotencyKey());
            int attempt = tries.computeIfAbsent(ctx.taskId(), k -> new AtomicInteger()).incrementAndGet();
            assertThat(ctx.attempt()).isEqualTo(attempt);
            int failures = ctx.input().path("failures").asInt();
            if (attempt <= failures) {
                throw new IllegalStateException("upstream said no (try " + attempt + ")");
            }
            return StepOutcome.complete(Map.of("tries", attempt));
        }, policy).build();
    }

    /** Waits for a decision, then fails the first time it acts on it (a downstream outage), and not after. */
    private Agent approvalThatFailsOnce() {
        return Agent.named("approval-fails-once")
                .step("ask", ctx -> StepOutcome.await(io.baton.agent.Wait.token(Duration.ofMinutes(10)).build()))
                .step("act", ctx -> {
                    if (tries.computeIfAbsent(ctx.taskId(), k -> new AtomicInteger()).incrementAndGet() == 1) {
                        throw new NonRetryableException("the ledger is down");
                    }
                    return StepOutcome.complete(ctx.resumedWith());
                }).build();
    }

    private Agent strict() {
        RetryPolicy policy = RetryPolicy.builder().maxAttempts(5).nonRetryable(IllegalArgumentException.class)
                .backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0).build();
        return Agent.named("strict").step("validate", ctx -> {
            tries.computeIfAbsent(ctx.taskId(), k -> new AtomicInteger()).incrementAndGet();
            if (ctx.input().path("kind").asText().equals("own")) {
                throw new NonRetryableException("card declined for good");
            }
            throw new IllegalArgumentException("amount must be positive");
        }, policy).build();
    }

    private Agent slow() {
        RetryPolicy policy = RetryPolicy.builder().maxAttempts(2).timeout(Duration.ofMillis(300))
                .backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0).build();
        return Agent.named("slow").step("hang", ctx -> {
            tries.computeIfAbsent(ctx.taskId(), k -> new AtomicInteger()).incrementAndGet();
            Thread.sleep(10_000);
            return StepOutcome.next();
        }, policy).build();
    }

    private Agent blocker() {
        return Agent.named("blocker")
                .step("wait-for-release", ctx -> {
                    blockerEntered.countDown();
                    releaseBlocker.await(30, TimeUnit.SECONDS);
                    ctx.state().put("released", true);
                    return StepOutcome.next();
                })
                .step("after", ctx -> StepOutcome.complete("should never run"))
                .build();
    }

    private Agent sleeper() {
        return Agent.named("sleeper")
                .step("before", ctx -> {
                    ctx.state().put("wentToSleepAt", ctx.clock().instant().toString());
                    return StepOutcome.sleep(Duration.ofMillis(ctx.input().path("sleepMillis").asLong()));
                })
                .step("after", ctx -> StepOutcome.complete(Map.of("wokeAt", ctx.clock().instant().toString())))
                .build();
    }

    private Agent jumper() {
        return Agent.named("jumper")
                .step("start", ctx -> StepOutcome.goTo(ctx.input().path("to").asText()))
                .step("skipped", ctx -> StepOutcome.fail("must be skipped"))
                .step("target", ctx -> StepOutcome.complete("landed"))
                .build();
    }

    private Agent simple() {
        return Agent.named("simple")
                .step("only", ctx -> StepOutcome.complete(ctx.input()))
                .build();
    }

    /** Outcomes the engine cannot carry out, chosen by {@code input.kind}. */
    private Agent unstorable() {
        RetryPolicy policy = RetryPolicy.builder().maxAttempts(2)
                .backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0).build();
        return Agent.named("unstorable")
                .step("decide", ctx -> {
                    tries.computeIfAbsent(ctx.taskId(), k -> new AtomicInteger()).incrementAndGet();
                    return switch (ctx.input().path("kind").asText()) {
                        case "result-not-json" -> StepOutcome.complete(new Object());
                        case "text-postgres-refuses" -> {
                            ctx.state().put("note", "a\u0000b");
                            yield StepOutcome.next();
                        }
                        case "sleep-too-long" -> StepOutcome.sleep(Duration.ofSeconds(Long.MAX_VALUE));
                        case "deadline-too-far" -> StepOutcome.await(Wait.token(Duration.ofDays(3651)).build());
                        default -> throw new IllegalStateException("unknown kind");
                    };
                }, policy)
                .step("after", ctx -> StepOutcome.complete("should never run"))
                .build();
    }

    private JsonNode json(String text) {
        try {
            return JsonMappers.create().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private Task awaitState(UUID id, TaskState state) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> tasks.find(id).orElseThrow().task().state() == state);
        return tasks.find(id).orElseThrow().task();
    }

    @Test
    void anOutcomeThatCannotBeStoredCountsAsAFailedTryAndTheTaskEndsFailedWithTheError() {
        UUID notJson = tasks.start("unstorable", json("{\"kind\": \"result-not-json\"}"), null).task().id();
        UUID refused = tasks.start("unstorable", json("{\"kind\": \"text-postgres-refuses\"}"), null).task().id();

        Task first = awaitState(notJson, TaskState.FAILED);
        assertThat(first.error().path("type").asText()).isEqualTo(IllegalArgumentException.class.getName());
        assertThat(first.error().path("message").asText()).contains("No serializer found");
        Task second = awaitState(refused, TaskState.FAILED);
        assertThat(second.error().path("type").asText()).isEqualTo(StoreRejectedException.class.getName());
        assertThat(second.error().path("message").asText()).contains("\\u0000");

        // Both ended after the policy's two tries, and stay ended: nothing re-queues them.
        await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> tries.get(notJson).get() == 2
                && tries.get(refused).get() == 2);
        for (UUID id : List.of(notJson, refused)) {
            assertThat(tasks.find(id).orElseThrow().task().attempt()).isEqualTo(2);
            assertThat(tasks.find(id).orElseThrow().steps()).singleElement().satisfies(step -> {
                assertThat(step.outcome()).isEqualTo("FAIL");
                assertThat(step.tries()).isEqualTo(2);
            });
            assertThat(events.of(Type.STEP_FAILED, id)).hasSize(2);
        }
    }

    @Test
    void aSleepOrDeadlineBeyondTenYearsFailsTheTaskAtOnceWithAClearError() {
        UUID sleep = tasks.start("unstorable", json("{\"kind\": \"sleep-too-long\"}"), null).task().id();
        UUID deadline = tasks.start("unstorable", json("{\"kind\": \"deadline-too-far\"}"), null).task().id();

        assertThat(awaitState(sleep, TaskState.FAILED).error().path("message").asText())
                .isEqualTo("the sleep duration must be between 0 and 3650 days, was 106751991167300 days");
        assertThat(awaitState(deadline, TaskState.FAILED).error().path("message").asText())
                .isEqualTo("the wait's timeout (its deadline) must be between 0 and 3650 days, was 3651 days");
        await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> tries.get(sleep).get() == 1
                && tries.get(deadline).get() == 1);
        assertThat(tasks.find(sleep).orElseThrow().task().error().path("type").asText())
                .isEqualTo(InvalidOutcomeException.class.getName());
    }

    @Test
    void aFailingStepIsRetriedWithBackoffUnderOneIdempotencyKeyUntilItSucceeds() {
        UUID id = tasks.start("flaky", json("{\"failures\": 2}"), null).task().id();

        Task done = awaitState(id, TaskState.SUCCEEDED);

        assertThat(done.result().path("tries").asInt()).isEqualTo(3);
        assertThat(keys.get(id)).hasSize(3).containsOnly(id + ":1");
        List<StepRecord> steps = tasks.find(id).orElseThrow().steps();
        assertThat(steps).singleElement().satisfies(step -> {
            assertThat(step.tries()).isEqualTo(3);
            assertThat(step.outcome()).isEqualTo("COMPLETE");
        });
        assertThat(events.of(Type.STEP_FAILED, id)).hasSize(2)
                .allSatisfy(e -> assertThat(e.detail()).contains("upstream said no", "(will retry)"));
    }

    @Test
    void retriesWaitAtLeastTheirGrowingBackoff() {
        flakyTryTimes.clear();
        UUID id = tasks.start("flaky", json("{\"failures\": 2}"), null).task().id();
        awaitState(id, TaskState.SUCCEEDED);

        List<Instant> times = List.copyOf(flakyTryTimes);
        assertThat(times).hasSize(3);
        assertThat(Duration.between(times.get(0), times.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(Duration.between(times.get(1), times.get(2))).isGreaterThanOrEqualTo(Duration.ofMillis(600));
    }

    @Test
    void aStepThatKeepsFailingFailsTheTaskWithTheErrorRecorded() {
        UUID id = tasks.start("flaky", json("{\"failures\": 99}"), null).task().id();

        Task failed = awaitState(id, TaskState.FAILED);

        assertThat(tries.get(id)).hasValue(3);
        assertThat(failed.error().path("type").asText()).isEqualTo(IllegalStateException.class.getName());
        assertThat(failed.error().path("message").asText()).isEqualTo("upstream said no (try 3)");
        assertThat(failed.error().path("stackTrace").asText()).contains("IllegalStateException")
                .hasSizeLessThanOrEqualTo(ErrorDetails.MAX_STACK_TRACE + 40);
        assertThat(failed.finishedAt()).isNotNull();
        assertThat(events.of(Type.TASK_FINISHED, id)).singleElement()
                .satisfies(e -> assertThat(e.detail()).isEqualTo("FAILED"));
    }

    @Test
    void anOperatorsRetryOfTheStepAfterAWaitGivesItTheResumePayloadAgainAndOnlyAFailedTaskCanBeRetried() {
        UUID id = tasks.start("approval-fails-once", json("{}"), null).task().id();
        awaitState(id, TaskState.WAITING);
        UUID waitId = node.waits().waitsOf(id).get(0).id();
        assertThat(node.operations().waits().resume(waitId, json("{\"approved\": true, \"by\": \"Grace\"}"), null)
                .outcome()).isEqualTo(io.baton.wait.WaitOverrides.Outcome.DONE);
        assertThat(awaitState(id, TaskState.FAILED).error().path("message").asText()).isEqualTo("the ledger is down");
        assertThat(tasks.retry(UUID.randomUUID(), null, null).outcome()).isEqualTo(TaskService.RetryOutcome.NOT_FOUND);
        assertThatThrownBy(() -> tasks.retry(id, "nope", null)).isInstanceOf(UnknownStepException.class)
                .hasMessageContaining("has no step 'nope'");

        TaskService.RetryResult retried = tasks.retry(id, null, null);

        assertThat(retried.outcome()).isEqualTo(TaskService.RetryOutcome.RETRIED);
        assertThat(retried.step()).isEqualTo("act");
        Task done = awaitState(id, TaskState.SUCCEEDED);
        assertThat(done.result()).isEqualTo(json("{\"approved\": true, \"by\": \"Grace\"}"));
        assertThat(tasks.retry(id, null, null).outcome()).isEqualTo(TaskService.RetryOutcome.NOT_FAILED);
        assertThat(tasks.find(id).orElseThrow().steps()).extracting(StepRecord::outcome)
                .containsExactly("AWAIT", "FAIL", "COMPLETE");
    }

    @Test
    void nonRetryableErrorsFailTheTaskOnTheFirstTry() {
        UUID declared = tasks.start("strict", json("{\"kind\": \"declared\"}"), null).task().id();
        UUID own = tasks.start("strict", json("{\"kind\": \"own\"}"), null).task().id();

        assertThat(awaitState(declared, TaskState.FAILED).error().path("message").asText())
                .isEqualTo("amount must be positive");
        assertThat(awaitState(own, TaskState.FAILED).error().path("type").asText())
                .isEqualTo(NonRetryableException.class.getName());
        assertThat(tries.get(declared)).hasValue(1);
        assertThat(tries.get(own)).hasValue(1);
    }

    @Test
    void aStepRunningPastItsTimeoutCountsAsAFailedTry() {
        UUID id = tasks.start("slow", null, null).task().id();

        Task failed = awaitState(id, TaskState.FAILED);

        assertThat(tries.get(id)).hasValue(2);
        assertThat(failed.error().path("type").asText()).isEqualTo(StepTimeoutException.class.getName());
        assertThat(failed.error().path("message").asText()).contains("ran longer than its timeout of 300 ms");
    }

    @Test
    void cancellingARunningTaskFencesOutTheCheckpointOfTheStepInFlight() throws Exception {
        UUID id = tasks.start("blocker", null, null).task().id();
        assertThat(blockerEntered.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(tasks.find(id).orElseThrow().task().state()).isEqualTo(TaskState.RUNNING);

        assertThat(tasks.cancel(id)).isEqualTo(CancelResult.CANCELLED);
        releaseBlocker.countDown();

        await().atMost(WAIT).until(() -> !events.of(Type.STEP_FENCED, id).isEmpty());
        Task cancelled = tasks.find(id).orElseThrow().task();
        assertThat(cancelled.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(cancelled.context().has("released")).isFalse();
        assertThat(tasks.find(id).orElseThrow().steps()).isEmpty();
        assertThat(db.queryValue("SELECT count(*) FROM baton_fenced_checkpoint WHERE task_id = ?", id))
                .isEqualTo(1L);
        assertThat(tasks.cancel(id)).isEqualTo(CancelResult.ALREADY_FINISHED);
        assertThat(tasks.cancel(UUID.randomUUID())).isEqualTo(CancelResult.NOT_FOUND);
    }

    @Test
    void aSleepingTaskHoldsNoThreadAndWakesUpToRunItsNextStep() {
        Instant before = Instant.now();
        UUID id = tasks.start("sleeper", json("{\"sleepMillis\": 2000}"), null).task().id();

        Task sleeping = awaitState(id, TaskState.SLEEPING);
        assertThat(sleeping.wakeAt()).isAfter(before.plusMillis(1900));
        assertThat(sleeping.nextStep()).isEqualTo("after");
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("baton-step")
                && t.getState() == Thread.State.TIMED_WAITING && stackMentions(t, "sleeper"));

        Task done = awaitState(id, TaskState.SUCCEEDED);
        assertThat(Instant.parse(done.result().path("wokeAt").asText())).isAfterOrEqualTo(sleeping.wakeAt());
        assertThat(tasks.find(id).orElseThrow().steps()).extracting(StepRecord::outcome)
                .containsExactly("SLEEP", "COMPLETE");
    }

    private static boolean stackMentions(Thread thread, String text) {
        for (StackTraceElement element : thread.getStackTrace()) {
            if (element.toString().contains(text)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void cancellingASleepingTaskKeepsItFromWakingUp() {
        UUID id = tasks.start("sleeper", json("{\"sleepMillis\": 2000}"), null).task().id();
        awaitState(id, TaskState.SLEEPING);

        assertThat(tasks.cancel(id)).isEqualTo(CancelResult.CANCELLED);

        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5))
                .until(() -> tasks.find(id).orElseThrow().task().state() == TaskState.CANCELLED);
        assertThat(tasks.find(id).orElseThrow().steps()).hasSize(1);
    }

    @Test
    void startingTwiceWithOneIdempotencyKeyGivesOneTaskEvenWhenConcurrent() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<TaskService.StartedTask>> starts = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 20; i++) {
                starts.add(pool.submit(() -> tasks.start("simple", json("{\"order\": 42}"), "order-42")));
            }
            Set<UUID> ids = ConcurrentHashMap.newKeySet();
            int created = 0;
            for (Future<TaskService.StartedTask> start : starts) {
                TaskService.StartedTask started = start.get(30, TimeUnit.SECONDS);
                ids.add(started.task().id());
                created += started.created() ? 1 : 0;
            }
            assertThat(ids).hasSize(1);
            assertThat(created).isEqualTo(1);
            assertThat(db.queryValue("SELECT count(*) FROM baton_task WHERE idempotency_key = 'order-42'"))
                    .isEqualTo(1L);
            awaitState(ids.iterator().next(), TaskState.SUCCEEDED);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void startingAnUnknownAgentOrWithABadKeyIsRefused() {
        assertThatThrownBy(() -> tasks.start("no-such-agent", null, null))
                .isInstanceOf(UnknownAgentException.class)
                .hasMessageStartingWith("no agent named 'no-such-agent' is registered on this node; known agents: [");
        assertThatThrownBy(() -> tasks.start("simple", null, "x".repeat(201)))
                .isInstanceOf(InvalidStartException.class);
        assertThatThrownBy(() -> tasks.start("simple", null, " "))
                .isInstanceOf(InvalidStartException.class);
    }

    @Test
    void aStoredTaskWhoseAgentOrStepNoLongerExistsFailsWithAClearReason() {
        TaskRepository repository = new TaskRepository(db.dataSource(), JsonMappers.create());
        Instant now = Instant.now();
        UUID noAgent = UUID.randomUUID();
        UUID noStep = UUID.randomUUID();
        repository.insert(noAgent, "retired-agent", json("{}"), "first", null, now);
        repository.insert(noStep, "simple", json("{}"), "renamed-step", null, now);

        await().atMost(WAIT).untilAsserted(() -> {
            node.reconcileNow();
            assertThat(tasks.find(noAgent).orElseThrow().task().state()).isEqualTo(TaskState.FAILED);
            assertThat(tasks.find(noStep).orElseThrow().task().state()).isEqualTo(TaskState.FAILED);
        });
        assertThat(tasks.find(noAgent).orElseThrow().task().error().path("message").asText())
                .isEqualTo("agent 'retired-agent' is not registered on node engine-1");
        assertThat(tasks.find(noStep).orElseThrow().task().error().path("message").asText())
                .isEqualTo("step 'renamed-step' no longer exists in agent 'simple'");
    }

    @Test
    void aStepMayJumpToANamedStepButNotToAnUnknownOne() {
        UUID good = tasks.start("jumper", json("{\"to\": \"target\"}"), null).task().id();
        UUID bad = tasks.start("jumper", json("{\"to\": \"nowhere\"}"), null).task().id();

        assertThat(awaitState(good, TaskState.SUCCEEDED).result().asText()).isEqualTo("landed");
        assertThat(tasks.find(good).orElseThrow().steps()).extracting(StepRecord::stepName)
                .containsExactly("start", "target");
        assertThat(awaitState(bad, TaskState.FAILED).error().path("message").asText())
                .isEqualTo("step 'start' went to unknown step 'nowhere'");
    }

    @Test
    void aTaskCommittedWithoutAnyWakeUpRunsAtTheNextPoll() {
        TaskRepository repository = new TaskRepository(db.dataSource(), JsonMappers.create());
        UUID id = UUID.randomUUID();
        repository.insert(id, "simple", json("{\"lost\": true}"), "only", null, Instant.now().minusSeconds(60));

        Task done = awaitState(id, TaskState.SUCCEEDED);

        assertThat(done.result().path("lost").asBoolean()).isTrue();
    }

    @Test
    void theReconcilerTakesBackATaskLeftRunningByANodeThatIsGone() {
        TaskRepository repository = new TaskRepository(db.dataSource(), JsonMappers.create());
        UUID id = UUID.randomUUID();
        // Stored as claimed by a node that is no cluster member: its attempt must be taken over.
        repository.insert(id, "simple", json("{\"orphan\": true}"), "only", null, Instant.now().plusSeconds(3600));
        assertThat(db.queryValue("UPDATE baton_task SET state = 'RUNNING', attempt = 1, owner = 'a-node-that-died', "
                + "wake_at = NULL WHERE id = ? AND state = 'RUNNABLE' RETURNING attempt", id)).isEqualTo(1L);

        Task done = awaitState(id, TaskState.SUCCEEDED);

        assertThat(done.attempt()).isEqualTo(2);
        assertThat(events.of(Type.TASK_RECOVERED, id)).isNotEmpty()
                .allSatisfy(e -> assertThat(e.detail()).contains("a-node-that-died"));
    }
}
