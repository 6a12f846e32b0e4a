package io.baton.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.ops.BatonServer;
import io.baton.ops.Main;
import io.baton.ops.admin.AdminTestServer;
import io.baton.testing.PostgresExtension;
import io.baton.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@code baton} admin commands run in-process through {@link Main} (as the {@code baton} script runs them) with
 * an environment map and captured output, against a real node on a real PostgreSQL.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliIT {
    private static final String KEY = "cli-it-bootstrap-key-0123456789abcdef";
    private static final Pattern UUID_PATTERN = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Duration RUN = Duration.ofSeconds(30);
    private final ObjectMapper json = new ObjectMapper();
    private TestDatabase db;
    private BatonServer server;

    @BeforeAll
    void start(TestDatabase database) {
        db = database;
        server = AdminTestServer.start(db, "cli-node", KEY, "BATON_PUBLIC_URL", "https://baton.example.com/");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    /** What one {@code baton} command did: its exit code and what it printed. */
    private record Run(int exit, String out, String err) {
        JsonNode json() {
            try {
                return new ObjectMapper().readTree(out);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + out + err, e);
            }
        }

        List<String> lines() {
            return out.lines().toList();
        }
    }

    private Run baton(Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args, environment);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Run baton(String... args) {
        return baton(environment(KEY), args);
    }

    private Map<String, String> environment(String key) {
        return Map.of(Session.URL_VARIABLE, url(), Session.KEY_VARIABLE, key);
    }

    private String url() {
        return "http://localhost:" + server.httpPort();
    }

    private Run ok(String... args) {
        Run run = baton(args);
        assertThat(run.exit()).as("exit of baton %s; stderr: %s", String.join(" ", args), run.err()).isZero();
        assertThat(run.err()).isEmpty();
        return run;
    }

    private String startGreeting(int delaySeconds) {
        return ok("--json", "tasks", "start", "demo-greeting", "--input",
                "{\"name\": \"Ada\", \"delaySeconds\": " + delaySeconds + "}").json().path("id").asText();
    }

    private void awaitState(String taskId, String state) {
        await().atMost(RUN).until(() -> ok("tasks", "show", taskId, "--json").json().path("state").asText()
                .equals(state));
    }

    private long taskCount() {
        return (Long) db.queryValue("SELECT count(*) FROM baton_task");
    }

    /** The value on the {@code label: value} line of a block. */
    private static String field(Run run, String label) {
        return run.lines().stream().filter(l -> l.startsWith(label + ": ")).findFirst()
                .map(l -> l.substring(label.length() + 1).strip())
                .orElseThrow(() -> new AssertionError("no '" + label + ":' in:\n" + run.out()));
    }

    /** The open wait of a demo-expense task, once the task waits for its approval. */
    private String openExpenseWait(String taskId) {
        awaitState(taskId, "WAITING");
        JsonNode wait = ok("--json", "tasks", "show", taskId).json().path("waits").get(0);
        assertThat(wait.path("state").asText()).isEqualTo("OPEN");
        return wait.path("id").asText();
    }

    private String startExpense() {
        return ok("--json", "tasks", "start", "demo-expense", "--input",
                "{\"employee\": \"Ada\", \"amount\": \"120 EUR\", \"purpose\": \"train\"}").json().path("id").asText();
    }

    /** The start of each column in a table's header line. */
    private static List<Integer> columnStarts(String header) {
        List<Integer> starts = new ArrayList<>();
        Matcher m = Pattern.compile("(?:^|  )([A-Z])").matcher(header);
        while (m.find()) {
            starts.add(m.start(1));
        }
        return starts;
    }

    @Test
    void aTaskStartedFromTheCliRunsToCompletionAndShowsItsStepsAsABlockAndAsJson() {
        Run started = ok("tasks", "start", "demo-greeting", "--input", "{\"name\": \"Ada\", \"delaySeconds\": 0}");
        assertThat(started.lines().get(0)).matches("Started task " + UUID_PATTERN + "\\.");
        String id = started.lines().get(0).substring("Started task ".length(), "Started task ".length() + 36);
        assertThat(started.out()).contains("agent:").contains("demo-greeting");

        awaitState(id, "SUCCEEDED");
        Run shown = ok("tasks", "show", id);
        assertThat(field(shown, "id")).isEqualTo(id);
        assertThat(field(shown, "state")).isEqualTo("SUCCEEDED");
        assertThat(field(shown, "next step")).isEqualTo("-");
        assertThat(field(shown, "finished at")).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
        assertThat(shown.out()).contains("\"greeting\":\"Hello, Ada!\"", "steps:");
        int stepsAt = shown.lines().indexOf("steps:");
        assertThat(shown.lines().get(stepsAt + 1)).startsWith("SEQ  STEP     OUTCOME");
        assertThat(shown.lines().get(stepsAt + 2)).contains("compose");
        assertThat(shown.lines().get(stepsAt + 3)).contains("deliver", "COMPLETE");

        JsonNode asJson = ok("--json", "tasks", "show", id).json();
        assertThat(asJson.path("id").asText()).isEqualTo(id);
        assertThat(asJson.path("result").path("greeting").asText()).isEqualTo("Hello, Ada!");
        assertThat(asJson.path("steps")).hasSize(2);
        assertThat(ok("tasks", "show", id, "--json").out()).startsWith("{\n  \"id\" : ");
    }

    @Test
    void aRepeatedIdempotencyKeyStartsOneTaskAndSaysSo() {
        Run first = ok("tasks", "start", "demo-greeting", "--idempotency-key", "cli-welcome", "--input",
                "{\"delaySeconds\": 600}");
        Run second = ok("tasks", "start", "demo-greeting", "--idempotency-key", "cli-welcome", "--input",
                "{\"delaySeconds\": 600}");

        assertThat(first.lines().get(0)).startsWith("Started task ");
        String id = first.lines().get(0).substring("Started task ".length(), "Started task ".length() + 36);
        assertThat(second.lines().get(0)).isEqualTo("Already started with idempotency key 'cli-welcome': task " + id
                + ".");
        assertThat(db.queryValue("SELECT count(*) FROM baton_task WHERE idempotency_key = 'cli-welcome'"))
                .isEqualTo(1L);
    }

    @Test
    void tasksLsPrintsAnAlignedTableAndAllFollowsEveryNextPage() {
        String since = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        List<String> ids = List.of(startGreeting(600), startGreeting(600), startGreeting(600));
        ids.forEach(id -> awaitState(id, "SLEEPING"));

        Run table = ok("tasks", "ls", "--agent", "demo-greeting", "--created-from", since);
        List<String> lines = table.lines();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("ID").contains("AGENT", "STATE", "NEXT STEP", "CREATED AT", "ERROR");
        List<Integer> columns = columnStarts(lines.get(0));
        for (String row : lines.subList(1, 4)) {
            assertThat(row.indexOf("demo-greeting")).isEqualTo(columns.get(1));
            assertThat(row.substring(0, 36)).isIn(ids);
            assertThat(row).containsPattern("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
        }
        assertThat(lines.get(1)).startsWith(ids.get(2)); // newest first

        Run onePage = ok("tasks", "ls", "--agent", "demo-greeting", "--created-from", since, "--limit", "1");
        assertThat(onePage.lines()).hasSize(3);
        assertThat(onePage.lines().get(2)).startsWith("more: add --after ");
        JsonNode page = ok("--json", "tasks", "ls", "--agent", "demo-greeting", "--created-from", since,
                "--limit", "1").json();
        assertThat(page.path("tasks")).hasSize(1);
        String cursor = page.path("next").asText();
        JsonNode second = ok("--json", "tasks", "ls", "--agent", "demo-greeting", "--created-from", since,
                "--limit", "1", "--after", cursor).json();
        assertThat(second.path("tasks").get(0).path("id").asText()).isEqualTo(ids.get(1));

        JsonNode all = ok("tasks", "ls", "--agent", "demo-greeting", "--created-from", since, "--limit", "1", "--all",
                "--json").json();
        assertThat(all.path("tasks").findValuesAsText("id")).containsExactly(ids.get(2), ids.get(1), ids.get(0));
        assertThat(all.path("next").isNull()).isTrue();

        JsonNode sleeping = ok("--json", "tasks", "ls", "--state", "sleeping,FAILED", "--created-from", since).json();
        assertThat(sleeping.path("tasks").findValuesAsText("id")).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(ok("tasks", "ls", "--state", "FAILED", "--created-from", since).out()).isEqualTo("no tasks\n");
    }

    @Test
    void anUnknownTaskExitsWith3AndAMalformedIdWith2() {
        UUID unknown = UUID.randomUUID();
        Run missing = baton("tasks", "show", unknown.toString());
        assertThat(missing.exit()).isEqualTo(3);
        assertThat(missing.out()).isEmpty();
        assertThat(missing.err()).isEqualTo("baton: No task with id " + unknown + ".\n");

        Run malformed = baton("tasks", "show", "not-a-uuid");
        assertThat(malformed.exit()).isEqualTo(2);
        assertThat(malformed.err()).startsWith("baton: 'not-a-uuid' is not a task id");
        assertThat(baton("tasks", "cancel", unknown.toString()).exit()).isEqualTo(3);
    }

    @Test
    void aSleepingTaskIsCancelledOnceAndCancellingItAgainExitsWith4() {
        String id = startGreeting(600);
        awaitState(id, "SLEEPING");

        Run cancelled = ok("tasks", "cancel", id);
        assertThat(cancelled.lines().get(0)).isEqualTo("Cancelled task " + id + ".");
        assertThat(field(cancelled, "state")).isEqualTo("CANCELLED");

        Run again = baton("tasks", "cancel", id);
        assertThat(again.exit()).isEqualTo(4);
        assertThat(again.out()).isEmpty();
        assertThat(again.err()).isEqualTo("baton: Task " + id + " already finished as CANCELLED; there is nothing to "
                + "cancel.\n");
    }

    @Test
    void badFlagsAndValuesTheServerRefusesExitWith2AndStartNothing() {
        long before = taskCount();

        Run flag = baton("tasks", "ls", "--stat", "FAILED");
        assertThat(flag.exit()).isEqualTo(2);
        assertThat(flag.err()).startsWith("baton: Unknown options: '--stat', 'FAILED'\nusage: baton tasks ls ")
                .contains("see 'baton tasks ls --help'");
        assertThat(flag.out()).isEmpty();

        Run state = baton("tasks", "ls", "--state", "NOPE");
        assertThat(state.exit()).isEqualTo(2);
        assertThat(state.err()).startsWith("baton: 'NOPE' is not a task state; use one of [");

        Run json = baton("tasks", "start", "demo-greeting", "--input", "{\"name\": ");
        assertThat(json.exit()).isEqualTo(2);
        assertThat(json.err()).startsWith("baton: Invalid value for option '--input': not valid JSON");
        assertThat(baton("tasks", "start").exit()).isEqualTo(2);
        assertThat(baton("tasks", "start", "no-such-agent").err()).contains("known agents: [demo-expense, "
                + "demo-greeting]");
        assertThat(baton("tasks", "ls", "--created-from", "yesterday").err())
                .startsWith("baton: Invalid value for option '--created-from': 'yesterday' is not an ISO-8601 instant");
        assertThat(baton("tasks", "ls", "--limit", "0").exit()).isEqualTo(2);
        Run noSubcommand = baton("tasks");
        assertThat(noSubcommand.exit()).isEqualTo(2);
        assertThat(noSubcommand.err()).contains("Missing required subcommand", "ls", "show", "start", "cancel");
        assertThat(taskCount()).isEqualTo(before);

        Run help = baton("tasks", "ls", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--waiting-on=WHAT", "--created-from=ISO", "--all");
    }

    @Test
    void aWrongKeyOrAnUnreachableNodeExitsWith1AndTheKeyIsNeverPrinted() throws IOException {
        String wrong = "bak_" + "w".repeat(43);
        Run refused = baton(environment(wrong), "tasks", "ls");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("baton: The API key was not accepted (unknown or revoked).\n");

        String custom = "my-own-wrong-key-123";
        Run flagged = baton(environment(KEY), "--key", custom, "tasks", "show", custom);
        assertThat(flagged.exit()).isEqualTo(1);
        assertThat(flagged.out() + flagged.err()).doesNotContain(custom).doesNotContain(KEY);

        Run typo = baton(Map.of(Session.URL_VARIABLE, url()), "tasks", "ls", "--kye", custom, "--key", custom);
        assertThat(typo.exit()).isEqualTo(2);
        assertThat(typo.err()).doesNotContain(custom).contains("'****'");

        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Run unreachable = baton(Map.of(Session.URL_VARIABLE, "http://localhost:" + closed,
                Session.KEY_VARIABLE, KEY), "tasks", "ls");
        assertThat(unreachable.exit()).isEqualTo(1);
        assertThat(unreachable.err()).startsWith("baton: cannot connect to http://localhost:" + closed + " ")
                .doesNotContain(KEY);

        Run flagWins = baton(Map.of(Session.URL_VARIABLE, "http://localhost:" + closed, Session.KEY_VARIABLE, KEY),
                "tasks", "ls", "--url", url(), "--limit", "1");
        assertThat(flagWins.exit()).isZero();

        Run noKey = baton(Map.of(Session.URL_VARIABLE, url()), "tasks", "ls");
        assertThat(noKey.exit()).isEqualTo(2);
        assertThat(noKey.err()).startsWith("baton: no API key: set BATON_API_KEY or pass --key");

        Run badUrl = baton(Map.of(Session.URL_VARIABLE, "localhost:8080", Session.KEY_VARIABLE, KEY), "tasks", "ls");
        assertThat(badUrl.exit()).isEqualTo(2);
    }

    @Test
    void keysAreMadeListedAndRevokedAndAViewerKeyMayReadButNotStart() {
        Run made = ok("keys", "create", "ci reader", "--role", "viewer");
        String viewerKey = made.lines().stream().filter(l -> l.startsWith("key:")).findFirst().orElseThrow()
                .replaceFirst("key:\\s+", "");
        assertThat(viewerKey).startsWith("bak_");
        assertThat(field(made, "role")).isEqualTo("viewer");
        assertThat(field(made, "name")).isEqualTo("ci reader");
        assertThat(made.out()).contains("Store the key now");

        Run listed = ok("keys", "ls");
        assertThat(listed.lines().get(0)).startsWith("ID").contains("NAME", "ROLE", "PREFIX", "REVOKED AT");
        assertThat(listed.out()).contains("ci reader", viewerKey.substring(0, 8)).doesNotContain(viewerKey);
        String keyId = ok("keys", "ls", "--json").json().path("keys").findParents("name").stream()
                .filter(k -> k.path("name").asText().equals("ci reader")).findFirst().orElseThrow()
                .path("id").asText();

        assertThat(baton(environment(viewerKey), "tasks", "ls", "--limit", "1").exit()).isZero();
        Run forbidden = baton(environment(viewerKey), "tasks", "start", "demo-greeting");
        assertThat(forbidden.exit()).isEqualTo(1);
        assertThat(forbidden.err()).contains("it needs operator or above").doesNotContain(viewerKey);
        assertThat(baton(environment(viewerKey), "keys", "ls").exit()).isEqualTo(1);

        Run revoked = ok("keys", "revoke", keyId);
        assertThat(revoked.lines().get(0)).isEqualTo("Revoked key " + keyId + " (ci reader).");
        assertThat(field(revoked, "revoked at")).isNotEqualTo("-");
        Run again = baton("keys", "revoke", keyId);
        assertThat(again.exit()).isEqualTo(4);
        assertThat(again.err()).startsWith("baton: Key " + keyId + " was already revoked at ");
        assertThat(baton("keys", "revoke", UUID.randomUUID().toString()).exit()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                baton(environment(viewerKey), "tasks", "ls").exit() == 1);

        Run badRole = baton("keys", "create", "nobody", "--role", "superuser");
        assertThat(badRole.exit()).isEqualTo(2);
        assertThat(badRole.err()).isEqualTo("baton: Field 'role' must be one of viewer, operator, admin.\n");
    }

    @Test
    void callbackEndpointsAreListedShownAndTheirDeliveriesReadAndReplayed() throws Exception {
        HttpResponse<String> registered = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(url() + "/admin/api/callbacks"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"url\": \"http://127.0.0.1:9/cli-hook\", \"eventTypes\": "
                        + "[\"task.succeeded\"], \"agent\": \"demo-greeting\", \"description\": \"cli test\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).isEqualTo(201);
        String id = json.readTree(registered.body()).path("id").asText();

        Run listed = ok("callbacks", "ls");
        assertThat(listed.lines().get(0)).startsWith("ID").contains("URL", "EVENT TYPES", "ENABLED");
        assertThat(listed.out()).contains(id + "  http://127.0.0.1:9/cli-hook  [\"task.succeeded\"]");
        assertThat(ok("--json", "callbacks", "ls").json().path("callbacks").findValuesAsText("id")).contains(id);
        Run shown = ok("callbacks", "show", id);
        assertThat(field(shown, "url")).isEqualTo("http://127.0.0.1:9/cli-hook");
        assertThat(field(shown, "enabled")).isEqualTo("true");
        assertThat(field(shown, "description")).isEqualTo("cli test");
        assertThat(field(shown, "event types")).isEqualTo("[\"task.succeeded\"]");
        assertThat(shown.out()).doesNotContain("whsec_");
        assertThat(baton("callbacks", "show", UUID.randomUUID().toString()).exit()).isEqualTo(3);

        String taskId = startGreeting(0);
        awaitState(taskId, "SUCCEEDED");
        await().atMost(RUN).until(() -> ok("--json", "callbacks", "deliveries", id).json().path("deliveries")
                .findValuesAsText("attempts").stream().anyMatch(n -> Integer.parseInt(n) > 0));
        JsonNode delivery = ok("--json", "callbacks", "deliveries", id).json().path("deliveries").get(0);
        Run deliveries = ok("callbacks", "deliveries", id, "--limit", "5");
        assertThat(deliveries.lines().get(0)).startsWith("EVENT ID").contains("TYPE", "STATE", "ATTEMPTS",
                "LAST ERROR");
        assertThat(deliveries.out()).contains(delivery.path("eventId").asText(), "task.succeeded");

        String eventId = delivery.path("eventId").asText();
        Run replayed = ok("callbacks", "replay", id, eventId);
        assertThat(replayed.lines()).containsExactly("Event " + eventId + " is queued for endpoint " + id + " again.",
                "replayed: 1");
        Run unknown = baton("callbacks", "replay", id, UUID.randomUUID().toString());
        assertThat(unknown.exit()).isEqualTo(3);
        assertThat(unknown.err()).contains("has no delivery of event");
    }

    @Test
    void theAuditLogShowsWhatTheCliChangedAndWhatWasRefused() {
        String id = startGreeting(600);
        ok("tasks", "cancel", id);
        baton("tasks", "cancel", id);

        Run entries = ok("audit", "--action", "task.cancel", "--target", id);
        assertThat(entries.lines()).hasSize(3);
        assertThat(entries.lines().get(0)).startsWith("ID").contains("AT", "KEY ID", "ROLE", "ACTION", "TARGET",
                "RESULT");
        assertThat(entries.lines().get(1)).contains("task.cancel", id, "refused: 409");
        assertThat(entries.lines().get(2)).contains("task.cancel", id, "admin");

        JsonNode asJson = ok("--json", "audit", "--target", id).json();
        assertThat(asJson.path("entries").findValuesAsText("action")).containsExactly("task.cancel", "task.cancel");
        assertThat(asJson.path("entries").get(0).path("result").asText()).startsWith("refused: 409");
        Run page = ok("audit", "--target", id, "--limit", "1");
        assertThat(page.lines().get(2)).startsWith("more: add --before ");
        assertThat(ok("--json", "audit", "--target", id, "--limit", "1", "--all").json().path("entries"))
                .hasSize(2);
        assertThat(baton("audit", "--from", "last week").exit()).isEqualTo(2);
    }

    @Test
    void retryingATaskThatDidNotFailExitsWith4AndAnUnknownOneWith3() throws Exception {
        String id = startGreeting(0);
        awaitState(id, "SUCCEEDED");

        Run notFailed = baton("tasks", "retry", id, "--from-step", "compose");
        assertThat(notFailed.exit()).isEqualTo(4);
        assertThat(notFailed.err()).startsWith("baton: ");
        assertThat(baton("tasks", "retry", UUID.randomUUID().toString()).exit()).isEqualTo(3);
    }

    @Test
    void anOpenWaitIsListedExtendedAndResumedByHandOnce() throws Exception {
        String taskId = startExpense();
        String waitId = openExpenseWait(taskId);

        JsonNode waits = ok("--json", "waits", "ls", "--agent", "demo-expense", "--all").json().path("waits");
        JsonNode wait = waits.findParents("id").stream().filter(w -> w.path("id").asText().equals(waitId))
                .findFirst().orElseThrow();
        assertThat(wait.path("taskId").asText()).isEqualTo(taskId);
        assertThat(wait.path("state").asText()).isEqualTo("OPEN");
        Run table = ok("waits", "ls", "--agent", "demo-expense");
        assertThat(table.lines().get(0)).startsWith("ID").contains("TASK ID", "AGENT", "KIND", "DEADLINE");
        assertThat(table.out()).contains(waitId);
        assertThat(ok("--json", "waits", "ls", "--expiring-within", "1h").json().path("waits")
                .findValuesAsText("id")).doesNotContain(waitId); // due in 24 h
        assertThat(ok("--json", "waits", "ls", "--expiring-within", "P2D").json().path("waits")
                .findValuesAsText("id")).contains(waitId);

        Instant deadline = Instant.parse(wait.path("deadline").asText());
        ok("waits", "extend", waitId, "--by", "1h");
        assertThat(Instant.parse(ok("--json", "tasks", "show", taskId).json().path("waits").get(0).path("deadline")
                .asText())).isAfter(deadline);

        Run resumed = ok("resume", waitId, "--payload", "{\"approved\": true, \"by\": \"Grace\"}");
        assertThat(resumed.lines().get(0)).isEqualTo("Resumed wait " + waitId + ".");
        awaitState(taskId, "SUCCEEDED");
        JsonNode result = ok("--json", "tasks", "show", taskId).json().path("result");
        assertThat(result.path("approved").asBoolean()).isTrue();
        assertThat(result.path("by").asText()).isEqualTo("Grace");

        assertThat(baton("resume", waitId, "--payload", "{}").exit()).isEqualTo(4);
        assertThat(baton("waits", "extend", waitId, "--by", "1h").exit()).isEqualTo(4);
        assertThat(baton("resume", UUID.randomUUID().toString()).exit()).isEqualTo(3);
    }

    @Test
    void aWaitFailedByHandTakesTheAgentsFailurePath() throws Exception {
        String taskId = startExpense();
        String waitId = openExpenseWait(taskId);

        Run failed = ok("resume", waitId, "--fail", "over budget");
        assertThat(failed.lines().get(0)).isEqualTo("Failed wait " + waitId + ".");
        awaitState(taskId, "SUCCEEDED"); // demo-expense records a rejection in its 'rejected' step
        JsonNode result = ok("--json", "tasks", "show", taskId).json().path("result");
        assertThat(result.path("approved").asBoolean()).isFalse();
        assertThat(result.path("reason").asText()).isEqualTo("over budget");
    }

    @Test
    void aBulkCancelDryRunsFirstAndIsAppliedWithItsToken() throws Exception {
        String since = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        List<String> ids = List.of(startGreeting(600), startGreeting(600));
        ids.forEach(id -> awaitState(id, "SLEEPING"));

        Run dryRun = ok("bulk", "cancel", "--agent", "demo-greeting", "--created-from", since);
        assertThat(dryRun.out()).contains("token: ", "apply with: baton bulk apply ");
        ids.forEach(id -> assertThat(ok("tasks", "show", id, "--json").json().path("state").asText())
                .isEqualTo("SLEEPING"));
        String token = ok("--json", "bulk", "cancel", "--agent", "demo-greeting", "--created-from", since).json()
                .path("token").asText();

        JsonNode applied = ok("--json", "bulk", "apply", token).json();
        assertThat(applied.path("action").asText()).isEqualTo("cancel");
        assertThat(applied.path("applied").asInt()).isEqualTo(2);
        ids.forEach(id -> assertThat(ok("tasks", "show", id, "--json").json().path("state").asText())
                .isEqualTo("CANCELLED"));

        String more = startGreeting(600);
        awaitState(more, "SLEEPING");
        Run yes = ok("bulk", "cancel", "--state", "SLEEPING", "--agent", "demo-greeting", "--created-from", since,
                "--yes");
        assertThat(field(yes, "applied")).isEqualTo("1");
        assertThat(ok("tasks", "show", more, "--json").json().path("state").asText()).isEqualTo("CANCELLED");
    }

    @Test
    void aNodeIsPutOnStandbyAndActivatedAgain() throws Exception {
        JsonNode node = ok("--json", "nodes").json().path("nodes").findParents("name").stream()
                .filter(n -> n.path("name").asText().equals("cli-node")).findFirst().orElseThrow();
        assertThat(node.path("alive").asBoolean()).isTrue();
        assertThat(ok("nodes", "ls").lines().get(0)).startsWith("NAME").contains("ALIVE", "STANDBY", "LAST CHECKIN");
        try {
            ok("nodes", "standby", "cli-node");
            assertThat(ok("--json", "nodes").json().path("nodes").findParents("name").stream()
                    .filter(n -> n.path("name").asText().equals("cli-node")).findFirst().orElseThrow()
                    .path("standby").asBoolean()).isTrue();
        } finally {
            ok("nodes", "activate", "cli-node");
        }
        assertThat(baton("nodes", "standby", "no-such-node").exit()).isEqualTo(3);
    }

    @Test
    void anAgentIsPausedAndResumed() throws Exception {
        assertThat(ok("--json", "agents").json().path("agents").isArray()).isTrue();
        assertThat(ok("agents", "ls").out()).contains("demo-expense");
        try {
            ok("agents", "pause", "demo-expense");
        } finally {
            ok("agents", "resume", "demo-expense");
        }
        assertThat(baton("agents", "pause", "no-such-agent").exit()).isEqualTo(3);
    }

    @Test
    void serverConfigAndHelpStillAnswerAsBefore() {
        Run help = baton(Map.of(), "help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).startsWith("usage: baton <command>").contains("server", "config", "tasks", "keys");
        Run unknown = baton(Map.of(), "tsks");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("baton: unknown command 'tsks'\nusage: baton <command>");
        Run config = baton(Map.of("BATON_DB_URL", "postgres://nope"), "config");
        assertThat(config.exit()).isEqualTo(2);
        assertThat(config.err()).startsWith("baton: configuration error: BATON_DB_URL");
    }

    @Test
    void thePackagedCommandRunsAsAProcessWithTheExitCodesScriptsRead(@org.junit.jupiter.api.io.TempDir
                                                                        java.nio.file.Path work) throws Exception {
        String id = startGreeting(600);
        Map<String, String> env = new HashMap<>(environment(KEY));
        try (io.baton.ops.ServerProcess listed = io.baton.ops.ServerProcess.start(work, env, "tasks", "ls",
                "--json", "--agent", "demo-greeting")) {
            assertThat(listed.awaitExit(RUN)).isZero();
            assertThat(json.readTree(listed.stdout()).path("tasks").findValuesAsText("id")).contains(id);
        }
        try (io.baton.ops.ServerProcess missing = io.baton.ops.ServerProcess.start(work, env, "tasks", "show",
                UUID.randomUUID().toString())) {
            assertThat(missing.awaitExit(RUN)).isEqualTo(3);
            assertThat(missing.stderr()).startsWith("baton: No task with id ");
        }
    }
}
