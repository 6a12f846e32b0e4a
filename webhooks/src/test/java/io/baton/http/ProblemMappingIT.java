package io.baton.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.execution.BacklogFullException;
import io.baton.json.JsonMappers;
import io.baton.persistence.StoreRejectedException;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one exception mapping, over real HTTP: what the engine throws becomes the documented status. */
class ProblemMappingIT {
    private final ObjectMapper json = new ObjectMapper();
    private Javalin app;

    @BeforeEach
    void start() {
        app = HttpApp.create(JsonMappers.create(), List.of(routes -> {
            routes.post("/full", ctx -> {
                throw new BacklogFullException("the ready backlog holds 9 tasks, at its bound of 9", Duration.ofSeconds(7));
            });
            routes.post("/refused", ctx -> {
                throw new StoreRejectedException("insert failed: bt_abcdefghijklmnopqrstuvwxyz",
                        new SQLException("invalid byte sequence", "22021"));
            });
            routes.get("/bug", ctx -> {
                throw new IllegalStateException("internal detail bt_abcdefghijklmnopqrstuvwxyz");
            });
        })).start("localhost", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode problem(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith(Problem.CONTENT_TYPE));
        assertThat(response.body()).doesNotContain("abcdefghijklmnop");
        return json.readTree(response.body());
    }

    @Test
    void aFullBacklogIs429WithRetryAfter() throws Exception {
        HttpResponse<String> response = send("POST", "/full");
        assertThat(problem(response, 429).path("detail").asText())
                .isEqualTo("Not started: the ready backlog holds 9 tasks, at its bound of 9; retry after 7 s.");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
    }

    @Test
    void aValueTheDatabaseRefusesIs400AndAnUnexpectedErrorIs500WithoutItsMessage() throws Exception {
        assertThat(problem(send("POST", "/refused"), 400).path("detail").asText()).contains("cannot be stored");
        assertThat(problem(send("GET", "/bug"), 500).path("detail").asText())
                .isEqualTo("The server failed to handle this request; the error is in its log.");
    }
}
