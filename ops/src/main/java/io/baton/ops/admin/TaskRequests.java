package io.baton.ops.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.execution.TaskService;
import io.baton.execution.TaskService.StartedTask;
import io.baton.execution.UnknownStepException;
import io.baton.http.JsonBody;
import io.baton.http.ProblemException;
import io.baton.http.SecretMask;
import io.baton.task.TaskState;
import io.baton.wait.WaitService;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/** The handlers of {@code /admin/api/tasks}: list, read, start, cancel, retry. */
final class TaskRequests {
    private static final Set<String> START_FIELDS = new TreeSet<>(Set.of("agent", "input", "idempotencyKey"));
    static final Set<String> RETRY_FIELDS = Set.of("fromStep");
    static final Set<String> LIST_PARAMETERS = Set.of("state", "agent", "createdFrom", "createdTo", "updatedFrom",
            "updatedTo", "error", "waitingOn", "limit", "after");
    static final int MAX_LIMIT = 500;

    private final TaskService tasks;
    private final WaitService waits;
    private final TaskListing listing;
    private final JsonBody bodies;

    TaskRequests(TaskService tasks, WaitService waits, TaskListing listing, JsonBody bodies) {
        this.tasks = tasks;
        this.waits = waits;
        this.listing = listing;
        this.bodies = bodies;
    }

    void list(Context ctx) {
        Queries.onlyKnown(ctx, LIST_PARAMETERS);
        TaskListing.Filter filter = filter(ctx::queryParam);
        TaskListing.Page page = Queries.page(ctx, (after, limit) -> listing.list(filter, after, limit));
        java.util.Map<String, Object> answer = new java.util.LinkedHashMap<>();
        answer.put("tasks", page.tasks());
        answer.put("next", page.next());
        ctx.json(answer);
    }

    /** The task filters (the list's query parameters, a bulk operation's filter), strictly read. */
    static TaskListing.Filter filter(java.util.function.UnaryOperator<String> raw) {
        String states = Queries.text("state", raw.apply("state"), 200);
        List<String> stateList = null;
        if (states != null) {
            stateList = Arrays.stream(states.split(",")).map(String::trim).map(s -> s.toUpperCase(
                    java.util.Locale.ROOT)).toList();
            for (String s : stateList) {
                if (Arrays.stream(TaskState.values()).noneMatch(v -> v.name().equals(s))) {
                    throw Queries.bad("'" + SecretMask.echo(s) + "' is not a task state; use one of "
                            + Arrays.toString(TaskState.values()) + ".");
                }
            }
        }
        return new TaskListing.Filter(stateList, Queries.text("agent", raw.apply("agent"), 200),
                Queries.instant("createdFrom", raw.apply("createdFrom")),
                Queries.instant("createdTo", raw.apply("createdTo")),
                Queries.instant("updatedFrom", raw.apply("updatedFrom")),
                Queries.instant("updatedTo", raw.apply("updatedTo")),
                Queries.text("error", raw.apply("error"), 200), Queries.text("waitingOn", raw.apply("waitingOn"), 200));
    }

    void start(Context ctx) {
        JsonNode body = bodies.read(ctx, AdminRoutes.MAX_BODY);
        if (!body.isObject()) {
            throw new ProblemException(400, "Bad Request", "The body must be a JSON object with 'agent' and "
                    + "optionally 'input' and 'idempotencyKey'.");
        }
        Queries.fields(body, START_FIELDS);
        JsonNode agent = body.get("agent");
        if (agent == null || !agent.isTextual() || agent.asText().isBlank()) {
            throw new ProblemException(400, "Bad Request", "Field 'agent' (the agent's name, a string) is required.");
        }
        JsonNode key = body.get("idempotencyKey");
        if (key != null && !key.isNull() && !key.isTextual()) {
            throw new ProblemException(400, "Bad Request", "Field 'idempotencyKey' must be a string.");
        }
        String idempotencyKey = key == null || key.isNull() ? null : key.asText();
        StartedTask started = tasks.start(agent.asText(), body.get("input"), idempotencyKey,
                AdminAccess.entry(ctx));
        UUID id = started.task().id();
        ctx.header("Location", "/admin/api/tasks/" + id);
        ctx.status(started.created() ? 201 : 200).json(started.created() ? TaskView.created(started.task())
                : TaskView.of(tasks.find(id).orElseThrow(), waits));
    }

    void get(Context ctx) {
        UUID id = taskId(ctx);
        ctx.json(TaskView.of(tasks.find(id).orElseThrow(() -> notFound(id)), waits));
    }

    void cancel(Context ctx) {
        UUID id = taskId(ctx);
        switch (tasks.cancel(id, AdminAccess.entry(ctx))) {
            case CANCELLED -> ctx.json(TaskView.of(tasks.find(id).orElseThrow(), waits));
            case ALREADY_FINISHED -> throw new ProblemException(409, "Conflict", "Task " + id + " already finished as "
                    + tasks.find(id).orElseThrow().task().state() + "; there is nothing to cancel.");
            case NOT_FOUND -> throw notFound(id);
        }
    }

    void retry(Context ctx) {
        UUID id = taskId(ctx);
        JsonNode body = bodies.bytes(ctx, AdminRoutes.MAX_BODY).length == 0
                ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                : Queries.fields(bodies.read(ctx, AdminRoutes.MAX_BODY), RETRY_FIELDS);
        String fromStep = fromStep(body);
        TaskService.RetryResult result;
        try {
            result = tasks.retry(id, fromStep, AdminAccess.entry(ctx));
        } catch (UnknownStepException e) {
            throw Queries.bad("Cannot retry from that step: " + SecretMask.echo(e.getMessage()) + ".");
        }
        switch (result.outcome()) {
            case RETRIED -> ctx.json(TaskView.of(tasks.find(id).orElseThrow(), waits));
            case NOT_FAILED -> throw new ProblemException(409, "Conflict", "Task " + id + " is "
                    + tasks.find(id).orElseThrow().task().state() + "; only a FAILED task can be retried.");
            case NOT_FOUND -> throw notFound(id);
        }
    }

    /** The optional {@code fromStep} of a retry: a step name, or absent for the step the task failed in. */
    static String fromStep(JsonNode body) {
        JsonNode step = body.get("fromStep");
        if (step == null || step.isNull()) {
            return null;
        }
        if (!step.isTextual() || step.asText().isBlank() || step.asText().length() > 200) {
            throw Queries.bad("Field 'fromStep' must be a step name (a string of 1-200 characters).");
        }
        return step.asText();
    }

    private static ProblemException notFound(UUID id) {
        return new ProblemException(404, "Not Found", "No task with id " + id + ".");
    }

    private static UUID taskId(Context ctx) {
        return Queries.uuid(ctx.pathParam("id"), "task id");
    }
}
