package io.baton.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.agent.Agent;
import io.baton.agent.StepOutcome;
import io.baton.task.TaskState;
import io.baton.testing.PostgresExtension;
import io.baton.testing.RawHttp;
import io.baton.testing.TestDatabase;
import io.baton.agent.Wait;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Errors the HTTP server produces itself, over raw sockets: wrong methods (405 with {@code Allow}), unknown paths,
 * and requests Jetty cannot parse. Every one is problem+json, and none echoes a resume token.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpErrorsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final ObjectMapper json = new ObjectMapper();
    private final Map<UUID, String> tokens = new ConcurrentHashMap<>();
    private WebhookNode node;
    private String token;
    private UUID task;

    @BeforeAll
    void start(TestDatabase db) {
        node = new WebhookNode(db, "errors", List.of(Agent.named("approval")
                .step("ask", ctx -> {
                    tokens.put(ctx.taskId(), ctx.resumeLink().token());
                    return StepOutcome.await(Wait.token(Duration.ofHours(1)).build());
                })
                .step("done", ctx -> StepOutcome.complete(ctx.resumedWith()))
                .build()), List.of());
        task = node.node.tasks().start("approval", null, null).task().id();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> node.node.tasks().find(task).orElseThrow().task().state() == TaskState.WAITING);
        token = tokens.get(task);
    }

    @AfterAll
    void stop() {
        assertThat(node.node.tasks().find(task).orElseThrow().task().state()).isEqualTo(TaskState.WAITING);
        node.close();
    }

    private RawHttp.Response send(String request) throws Exception {
        return RawHttp.send(node.http.port(), request, TIMEOUT);
    }

    private JsonNode assertProblem(RawHttp.Response response, int status, String detail) throws Exception {
        assertThat(response.status()).as(response.raw()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.raw()).doesNotContain(token).doesNotContain(token.substring(3, 30));
        if (response.body().isEmpty()) {
            return null; // HEAD: the same headers, no body
        }
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("detail").asText()).contains(detail);
        return problem;
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "HEAD", "FOO"})
    void aWrongMethodOnAResumeUrlIs405WithAllowAndNoToken(String method) throws Exception {
        for (String path : List.of("/hooks/" + token, "/hooks/" + token + "/fail", "/hooks/" + token + "/heartbeat")) {
            RawHttp.Response response = send(method + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertProblem(response, 405, method + " is not allowed on /hooks/bt_****");
            assertThat(response.header("Allow")).isEqualTo("POST");
        }
    }

    @Test
    void anUnknownPathIs404WithThePathMasked() throws Exception {
        assertProblem(send("POST /hooks/" + token + "/resume HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Content-Length: 0\r\n\r\n"), 404, "No resource at POST /hooks/bt_****/resume");
        assertProblem(send("GET /nothing/here HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 404,
                "No resource at GET /nothing/here");
    }

    @Test
    void requestsJettyCannotParseGetProblemJsonNotItsHtmlPage() throws Exception {
        String close = "Host: x\r\nConnection: close\r\n\r\n";
        assertProblem(send("CONNECT /hooks/" + token + " HTTP/1.1\r\n" + close), 400, "not valid HTTP/1.1");
        assertProblem(send("GET /hooks/%00 HTTP/1.1\r\n" + close), 400, "not valid HTTP/1.1");
        assertProblem(send("GET /hooks/%zz HTTP/1.1\r\n" + close), 400, "not valid HTTP/1.1");
        assertProblem(send("GET /\r\n\r\n"), 400, "HTTP/0.9");
        assertProblem(send("GET / HTTP/7.1\r\n" + close), 400, "not valid HTTP/1.1");
        assertProblem(send("POST /hooks/" + token + " HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"), 400,
                "Content-Length");
        assertProblem(send("POST /hooks/" + token + " HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                + "Content-Length: 3\r\n\r\n{}"), 400, "not valid HTTP/1.1");
        assertProblem(send("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\n" + close), 414, "8192 bytes");
        assertProblem(send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n"), 431,
                "8192 bytes");
        assertProblem(send("POST /hooks/" + token + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                + "Content-Type: application/json\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"), 400, "");
    }
}
