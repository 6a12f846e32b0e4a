package io.baton.ops.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The admin API ({@code <url>/admin/api}) over HTTP with a bearer key. An answer of 400 or more becomes a
 * {@link CommandFailure} carrying the problem+json {@code detail} and the exit code of its status; so does a node
 * that cannot be reached. The key goes into the {@code Authorization} header and nowhere else.
 */
final class AdminClient {
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final String API = "/admin/api";

    private final HttpClient http;
    private final ObjectMapper json;
    private final String base;
    private final String key;

    /** An answer of the API: its status and its JSON body ({@link MissingNode} when it has none). */
    record Response(int status, JsonNode body) {
    }

    AdminClient(HttpClient http, ObjectMapper json, String url, String key) {
        this.http = http;
        this.json = json;
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.key = key;
    }

    /** {@code GET <path>?<query>}; entries with a {@code null} value are left out. */
    Response get(String path, Map<String, String> query) {
        StringJoiner parameters = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((name, value) -> {
            if (value != null) {
                parameters.add(encode(name) + "=" + encode(value));
            }
        });
        return send("GET", path + parameters, null);
    }

    /** {@code POST <path>} with {@code body} as JSON, or with no body when it is {@code null}. */
    Response post(String path, JsonNode body) {
        return send("POST", path, body);
    }

    /** A user-given id or name as one path segment. */
    static String segment(String value) {
        return encode(value).replace("+", "%20");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private Response send(String method, String path, JsonNode body) {
        URI uri = URI.create(base + API + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + key)
                .header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException | HttpConnectTimeoutException e) {
            String why = e.getMessage() == null ? "connection refused" : e.getMessage();
            throw new CommandFailure(Exit.FAILED, "cannot connect to " + base + " (" + why + "); is a node "
                    + "running there? Set BATON_URL or --url.");
        } catch (HttpTimeoutException e) {
            throw new CommandFailure(Exit.FAILED, "no answer from " + base + " within "
                    + REQUEST_TIMEOUT.toSeconds() + " s (" + method + " " + API + path + ").");
        } catch (IOException e) {
            throw new CommandFailure(Exit.FAILED, method + " " + uri + " failed: " + reason(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure(Exit.FAILED, "interrupted while waiting for " + base);
        }
        JsonNode answer = parse(response.body());
        if (response.statusCode() >= 400) {
            String detail = detail(response.statusCode(), answer, method + " " + API + path);
            if (response.statusCode() == 404 && detail.startsWith("No resource at ")) {
                detail += " The node at " + base + " does not have this route: is it older than this baton?";
            }
            throw new CommandFailure(Exit.forStatus(response.statusCode()), detail);
        }
        return new Response(response.statusCode(), answer);
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }

    private static String detail(int status, JsonNode problem, String request) {
        String detail = problem.path("detail").asText("");
        if (!detail.isBlank()) {
            return detail;
        }
        return "the node answered " + status + " to " + request
                + (problem.path("title").isTextual() ? " (" + problem.path("title").asText() + ")" : "") + ".";
    }

    private static String reason(Exception e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }
}
