package io.baton.ops.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.callback.Callbacks;
import io.baton.http.JsonBody;
import io.baton.http.ProblemException;
import io.baton.http.SecretMask;
import io.baton.http.RouteTable;
import io.baton.execution.TaskService;
import io.baton.execution.TaskService.StartedTask;
import io.baton.wait.WaitService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The admin API ({@code /admin/api}), every route behind the bearer API key:
 * <ul>
 *   <li>{@code POST /admin/api/tasks} {@code {"agent", "input", "idempotencyKey"}}: start a task (201, or 200 with
 *       the existing task for a repeated idempotency key)</li>
 *   <li>{@code GET /admin/api/tasks/{id}}: state, context, result or error, step history, and waits with their
 *       resume URLs</li>
 *   <li>{@code POST /admin/api/tasks/{id}/cancel}: cancel a task that has not finished</li>
 *   <li>{@code /admin/api/callbacks}: register (POST), list, read, delete, enable, disable, rotate-secret an
 *       endpoint; its deliveries with every attempt; replay one delivery, or every dead one since a time
 *       ({@link CallbackRequests})</li>
 * </ul>
 */
public final class AdminRoutes implements RouteTable {
    /** Largest request body the admin API reads (1 MiB). */
    public static final int MAX_BODY = 1024 * 1024;
    private static final Set<String> START_FIELDS = new TreeSet<>(Set.of("agent", "input", "idempotencyKey"));

    private final TaskService tasks;
    private final AdminApiKey apiKey;
    private final JsonBody bodies;
    private final WaitService waits;
    private final CallbackRequests callbacks;

    public AdminRoutes(TaskService tasks, WaitService waits, Callbacks callbacks, AdminApiKey apiKey,
                       JsonBody bodies) {
        this.waits = waits;
        this.callbacks = new CallbackRequests(callbacks, bodies);
        this.tasks = tasks;
        this.apiKey = apiKey;
        this.bodies = bodies;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.before("/admin/api/*", this::authenticate);
        routes.post("/admin/api/tasks", this::start);
        readable(routes, "/admin/api/tasks/{id}", this::get);
        routes.post("/admin/api/tasks/{id}/cancel", this::cancel);
        routes.post("/admin/api/callbacks", callbacks::create);
        readable(routes, "/admin/api/callbacks", callbacks::list);
        readable(routes, "/admin/api/callbacks/{id}", callbacks::get);
        routes.delete("/admin/api/callbacks/{id}", callbacks::delete);
        routes.post("/admin/api/callbacks/{id}/enable", callbacks::enable);
        routes.post("/admin/api/callbacks/{id}/disable", callbacks::disable);
        routes.post("/admin/api/callbacks/{id}/rotate-secret", callbacks::rotate);
        readable(routes, "/admin/api/callbacks/{id}/deliveries", callbacks::deliveries);
        routes.post("/admin/api/callbacks/{id}/deliveries/{eventId}/replay", callbacks::replayOne);
        routes.post("/admin/api/callbacks/{id}/replay-failed", callbacks::replayFailed);
    }

    /**
     * A GET route, and HEAD on it answered by the same handler (the server sends no body for HEAD): left to itself,
     * Javalin answers HEAD 200 without running the handler, even for a resource that does not exist.
     */
    private static void readable(RoutesConfig routes, String path, io.javalin.http.Handler handler) {
        routes.get(path, handler);
        routes.head(path, handler);
    }

    private void authenticate(Context ctx) {
        if (!apiKey.configured()) {
            throw unauthorized(ctx, "The admin API is disabled on this node: no BATON_ADMIN_API_KEY is configured.");
        }
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthorized(ctx, "Send the admin API key as 'Authorization: Bearer <key>'.");
        }
        if (!apiKey.matches(header.substring(7).trim())) {
            throw unauthorized(ctx, "The API key was not accepted.");
        }
    }

    private static ProblemException unauthorized(Context ctx, String detail) {
        ctx.header("WWW-Authenticate", "Bearer realm=\"baton-admin\"");
        return new ProblemException(401, "Unauthorized", detail);
    }

    private void start(Context ctx) {
        JsonNode body = bodies.read(ctx, MAX_BODY);
        if (!body.isObject()) {
            throw new ProblemException(400, "Bad Request", "The body must be a JSON object with 'agent' and "
                    + "optionally 'input' and 'idempotencyKey'.");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!START_FIELDS.contains(name)) {
                throw new ProblemException(400, "Bad Request", "Unknown field '" + SecretMask.echo(name)
                        + "'; expected " + START_FIELDS + ".");
            }
        }
        JsonNode agent = body.get("agent");
        if (agent == null || !agent.isTextual() || agent.asText().isBlank()) {
            throw new ProblemException(400, "Bad Request", "Field 'agent' (the agent's name, a string) is required.");
        }
        JsonNode key = body.get("idempotencyKey");
        if (key != null && !key.isNull() && !key.isTextual()) {
            throw new ProblemException(400, "Bad Request", "Field 'idempotencyKey' must be a string.");
        }
        String idempotencyKey = key == null || key.isNull() ? null : key.asText();
        StartedTask started = tasks.start(agent.asText(), body.get("input"), idempotencyKey);
        UUID id = started.task().id();
        ctx.header("Location", "/admin/api/tasks/" + id);
        ctx.status(started.created() ? 201 : 200).json(started.created() ? TaskView.created(started.task())
                : TaskView.of(tasks.find(id).orElseThrow(), waits));
    }

    private void get(Context ctx) {
        UUID id = taskId(ctx);
        ctx.json(TaskView.of(tasks.find(id).orElseThrow(() -> notFound(id)), waits));
    }

    private void cancel(Context ctx) {
        UUID id = taskId(ctx);
        switch (tasks.cancel(id)) {
            case CANCELLED -> ctx.json(TaskView.of(tasks.find(id).orElseThrow(), waits));
            case ALREADY_FINISHED -> throw new ProblemException(409, "Conflict", "Task " + id + " already finished as "
                    + tasks.find(id).orElseThrow().task().state() + "; there is nothing to cancel.");
            case NOT_FOUND -> throw notFound(id);
        }
    }

    private static ProblemException notFound(UUID id) {
        return new ProblemException(404, "Not Found", "No task with id " + id + ".");
    }

    private static UUID taskId(Context ctx) {
        String raw = ctx.pathParam("id");
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(400, "Bad Request", "'" + SecretMask.echo(raw) + "' is not a task id (a UUID).");
        }
    }

}
