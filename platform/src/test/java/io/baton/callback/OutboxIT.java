package io.baton.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.agent.Agent;
import io.baton.agent.StepOutcome;
import io.baton.agent.Wait;
import io.baton.node.BatonNode;
import io.baton.task.TaskState;
import io.baton.testing.PostgresExtension;
import io.baton.testing.TestDatabase;
import io.baton.testing.TestNodes;
import io.baton.wait.Delivery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The outbox on a real node and PostgreSQL: every handoff writes its event in the transaction of the change that
 * caused it, once, with the documented payload, to the endpoints that want it; registrations are checked.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboxIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final ObjectMapper json = new ObjectMapper();
    private final Map<UUID, String> tokens = new ConcurrentHashMap<>();
    private TestDatabase db;
    private BatonNode node;
    private Callback everything;
    private Callback onlyFinished;

    @BeforeAll
    void start(TestDatabase database) {
        db = database;
        node = BatonNode.builder(TestNodes.config(db, "outbox-1", "BATON_CALLBACK_ALLOW", "127.0.0.1/32"))
                .agents(List.of(
                        Agent.named("asker")
                                .step("ask", ctx -> {
                                    tokens.put(ctx.taskId(), ctx.resumeLink().token());
                                    return StepOutcome.await(Wait.token(Duration.ofMillis(
                                            ctx.input().path("timeoutMillis").asLong(600_000)))
                                            .onTimeout("late").build());
                                })
                                .step("done", ctx -> StepOutcome.complete(ctx.resumedWith()))
                                .step("late", ctx -> StepOutcome.fail("nobody answered"))
                                .build(),
                        Agent.named("quick").step("only", ctx -> StepOutcome.complete(Map.of("n", 7))).build()))
                .start();
        everything = node.callbacks().register(new Callbacks.Registration("http://127.0.0.1:9/all",
                List.of("*"), null, "all of it")).callback();
        onlyFinished = node.callbacks().register(new Callbacks.Registration("http://127.0.0.1:9/quick",
                List.of("task.succeeded", "task.failed"), "quick", null)).callback();
    }

    @AfterAll
    void stop() {
        node.close();
    }

    private UUID start(String agent, String input) throws Exception {
        return node.tasks().start(agent, json.readTree(input), null).task().id();
    }

    private TaskState state(UUID id) {
        return node.tasks().find(id).orElseThrow().task().state();
    }

    /** The task's events in order: type and payload, and to which endpoints they were queued. */
    private record Event(String type, JsonNode payload, List<UUID> endpoints) {
    }

    private List<Event> events(UUID taskId) throws Exception {
        List<Event> found = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("""
                SELECT e.type, e.payload::text, array_agg(d.callback_id ORDER BY d.callback_id::text)
                  FROM baton_event e JOIN baton_callback_delivery d ON d.event_id = e.id
                 WHERE e.task_id = ? GROUP BY e.id ORDER BY e.created_at, e.type""")) {
            ps.setObject(1, taskId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new Event(rs.getString(1), json.readTree(rs.getString(2)),
                            List.of((UUID[]) rs.getArray(3).getArray())));
                }
            }
        }
        return found;
    }

    @Test
    void aWaitIsAnnouncedOnceWithItsResumeUrlAndItsResumeAndTheResultFollow() throws Exception {
        UUID id = start("asker", "{}");
        await().atMost(WAIT).until(() -> state(id) == TaskState.WAITING);

        List<Event> waiting = events(id);
        assertThat(waiting).extracting(Event::type).containsExactly("task.waiting");
        JsonNode announced = waiting.get(0).payload();
        assertThat(announced.path("type").asText()).isEqualTo("task.waiting");
        assertThat(announced.path("id").asText()).isNotBlank();
        assertThat(announced.path("timestamp").asText()).isNotBlank();
        assertThat(announced.path("data").path("taskId").asText()).isEqualTo(id.toString());
        assertThat(announced.path("data").path("agent").asText()).isEqualTo("asker");
        assertThat(announced.path("data").path("step").asText()).isEqualTo("ask");
        assertThat(announced.path("data").path("kind").asText()).isEqualTo("token");
        assertThat(announced.path("data").path("deadline").asText()).isNotBlank();
        // the outbox keeps a placeholder, never the token; the sender renders the URL into what it sends
        String stored = announced.path("data").path("resumeUrl").asText();
        assertThat(stored).isEqualTo(ResumeUrlPlaceholder.of(id, 1)).doesNotContain(tokens.get(id));
        assertThat(new ResumeUrlPlaceholder(json, node.waits()::resumeUrl).render(announced.toString()))
                .contains("/hooks/" + tokens.get(id)).doesNotContain("{{resumeUrl");
        assertThat(db.dumpAllTables()).doesNotContain(tokens.get(id));
        assertThat(waiting.get(0).endpoints()).containsExactly(everything.id()); // not the quick-only endpoint

        node.waits().deliver(tokens.get(id), new Delivery("d-1", json.readTree("{\"ok\": true}"), "h-1",
                "{\"ok\": true}".getBytes(), Map.of()));
        await().atMost(WAIT).until(() -> state(id) == TaskState.SUCCEEDED);

        List<Event> all = events(id);
        assertThat(all).extracting(Event::type).containsExactly("task.waiting", "wait.resumed", "task.succeeded");
        assertThat(all.get(1).payload().path("data").path("outcome").asText()).isEqualTo("resumed");
        assertThat(all.get(1).payload().path("data").path("nextStep").asText()).isEqualTo("done");
        assertThat(all.get(2).payload().path("data").path("result").path("ok").asBoolean()).isTrue();
        assertThat(all).extracting(e -> e.payload().path("id").asText()).doesNotHaveDuplicates();
        // A repeated delivery changes nothing, so it announces nothing.
        node.waits().deliver(tokens.get(id), new Delivery("d-1", json.readTree("{\"ok\": true}"), "h-1",
                "{\"ok\": true}".getBytes(), Map.of()));
        assertThat(events(id)).hasSize(3);
    }

    @Test
    void aDeadlineAnnouncesTheTimeoutAndTheFailureThatFollows() throws Exception {
        UUID id = start("asker", "{\"timeoutMillis\": 300}");
        await().atMost(WAIT).until(() -> state(id) == TaskState.FAILED);

        List<Event> all = events(id);
        assertThat(all).extracting(Event::type).containsExactly("task.waiting", "wait.timed_out", "task.failed");
        assertThat(all.get(1).payload().path("data").path("nextStep").asText()).isEqualTo("late");
        assertThat(all.get(2).payload().path("data").path("error").toString()).contains("nobody answered");
    }

    @Test
    void finishedTasksGoToTheEndpointsThatWantTheirTypeAndAgent() throws Exception {
        UUID id = start("quick", "{}");
        await().atMost(WAIT).until(() -> state(id) == TaskState.SUCCEEDED);

        List<Event> all = events(id);
        assertThat(all).extracting(Event::type).containsExactly("task.succeeded");
        assertThat(all.get(0).endpoints()).containsExactlyInAnyOrder(everything.id(), onlyFinished.id());
        assertThat(all.get(0).payload().path("data").path("result").path("n").asInt()).isEqualTo(7);
    }

    @Test
    void aCancelIsAnnouncedAndADisabledEndpointGetsNothing() throws Exception {
        UUID id = start("asker", "{}");
        await().atMost(WAIT).until(() -> state(id) == TaskState.WAITING);
        node.callbacks().disable(everything.id(), "maintenance");
        try {
            node.tasks().cancel(id);
            assertThat(events(id)).extracting(Event::type).containsExactly("task.waiting");
        } finally {
            node.callbacks().enable(everything.id());
        }
        UUID second = start("asker", "{}");
        await().atMost(WAIT).until(() -> state(second) == TaskState.WAITING);
        node.tasks().cancel(second);
        assertThat(events(second)).extracting(Event::type).containsExactly("task.waiting", "task.cancelled");
        assertThat(node.callbacks().find(everything.id()).orElseThrow().enabled()).isTrue();
    }

    @Test
    void registrationsAreCheckedBeforeAnythingIsStoredAndTheSecretIsShownOnceSealedAtRest() {
        long before = (Long) db.queryValue("SELECT count(*) FROM baton_callback");
        for (Callbacks.Registration bad : List.of(
                new Callbacks.Registration("http://10.0.0.1/hook", List.of("*"), null, null),
                new Callbacks.Registration("http://[::1]:8080/hook", List.of("*"), null, null), // not allow-listed
                new Callbacks.Registration("http://127.0.0.2:8080/hook", List.of("*"), null, null),
                new Callbacks.Registration("ftp://example.com/hook", List.of("*"), null, null),
                new Callbacks.Registration("http://127.0.0.1:9/x#frag", List.of("*"), null, null),
                new Callbacks.Registration("http://127.0.0.1:9/x", List.of(), null, null),
                new Callbacks.Registration("http://127.0.0.1:9/x", List.of("task.exploded"), null, null),
                new Callbacks.Registration("http://127.0.0.1:9/x", List.of("*"), " ", null),
                new Callbacks.Registration("not a url", List.of("*"), null, null))) {
            assertThat(catchThrowable(() -> node.callbacks().register(bad))).as(bad.toString())
                    .isInstanceOf(InvalidCallbackException.class);
        }
        assertThat(db.queryValue("SELECT count(*) FROM baton_callback")).isEqualTo(before);

        Callbacks.Registered made = node.callbacks().register(new Callbacks.Registration("http://127.0.0.1:9/s",
                List.of("task.failed"), null, "secret check"));
        assertThat(made.secret()).startsWith("whsec_").hasSize(6 + 44);
        assertThat(made.toString()).doesNotContain(made.secret());
        Object stored = db.queryValue("SELECT secret FROM baton_callback WHERE id = ?", made.callback().id());
        assertThat((String) stored).doesNotContain(made.secret().substring(6));
        Callbacks.Registered rotated = node.callbacks().rotateSecret(made.callback().id(), Duration.ofHours(1))
                .orElseThrow();
        assertThat(rotated.secret()).isNotEqualTo(made.secret());
        assertThat(rotated.callback().previousSecretUntil()).isNotNull();
        assertThat((String) db.queryValue("SELECT previous_secret FROM baton_callback WHERE id = ?",
                made.callback().id())).isEqualTo(stored);
        assertThat(node.callbacks().delete(made.callback().id())).isTrue();
        assertThat(node.callbacks().find(made.callback().id())).isEmpty();
    }
}
