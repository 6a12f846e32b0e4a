package io.baton.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code baton tasks ls|show|start|cancel|retry}: {@code /admin/api/tasks}. */
@Command(name = "tasks", description = "List, read, start, cancel and retry tasks.")
final class TasksCommand {
    static final String[] LIST_COLUMNS = {"id", "agent", "state", "nextStep", "attempt", "owner", "createdAt",
            "updatedAt", "error"};

    private final Session session;

    TasksCommand(Session session) {
        this.session = session;
    }

    @Command(name = "ls", description = "List tasks, newest first (GET /tasks).")
    int list(@Mixin TaskFilterOptions filter,
             @Option(names = "--limit", paramLabel = "N", description = "Tasks per page (1-500, default 50).")
             Integer limit,
             @Option(names = "--after", paramLabel = "CURSOR", description = "The page after this cursor (a 'next').")
             String after,
             @Option(names = "--all", description = "Every page, not just the first.") boolean all) {
        Map<String, String> query = new LinkedHashMap<>(filter.parameters());
        query.put("limit", limit == null ? null : limit.toString());
        query.put("after", after);
        JsonNode page = Pages.read(session.api(), "/tasks", query, "tasks", "after", all);
        Output output = session.output();
        output.either(page, () -> {
            output.table(Table.of(page.path("tasks"), LIST_COLUMNS), "no tasks");
            Pages.printNext(output, page, "--after");
        });
        return 0;
    }

    @Command(name = "show", description = "A task: context, result or error, step timeline, waits (GET /tasks/{id}).")
    int show(@Parameters(paramLabel = "ID", description = "The task's id.") String id) {
        JsonNode task = session.api().get("/tasks/" + AdminClient.segment(id), Map.of()).body();
        session.output().either(task, () -> print(session.output(), task));
        return 0;
    }

    @Command(name = "start", description = "Start a task of an agent (POST /tasks).")
    int start(@Parameters(paramLabel = "AGENT", description = "The agent's name.") String agent,
              @Option(names = "--input", paramLabel = "JSON", description = "The task's input, a JSON value.")
              JsonNode input,
              @Option(names = "--idempotency-key", paramLabel = "KEY",
                      description = "Start at most one task with this key; a repeat returns the first.")
              String idempotencyKey) {
        ObjectNode body = session.json().createObjectNode().put("agent", agent);
        if (input != null) {
            body.set("input", input);
        }
        if (idempotencyKey != null) {
            body.put("idempotencyKey", idempotencyKey);
        }
        AdminClient.Response started = session.api().post("/tasks", body);
        Output output = session.output();
        output.either(started.body(), () -> {
            output.line(started.status() == 201 ? "Started task " + started.body().path("id").asText() + "."
                    : "Already started with idempotency key '" + idempotencyKey + "': task "
                    + started.body().path("id").asText() + ".");
            output.block(Block.of(started.body(), "id", "agent", "state", "idempotencyKey", "createdAt"));
        });
        return 0;
    }

    @Command(name = "cancel", description = "Cancel a task that has not finished (POST /tasks/{id}/cancel).")
    int cancel(@Parameters(paramLabel = "ID", description = "The task's id.") String id) {
        JsonNode task = session.api().post("/tasks/" + AdminClient.segment(id) + "/cancel", null).body();
        Output output = session.output();
        output.either(task, () -> {
            output.line("Cancelled task " + task.path("id").asText() + ".");
            print(output, task);
        });
        return 0;
    }

    @Command(name = "retry", description = "Run a FAILED task again, from its failed step or an earlier one "
            + "(POST /tasks/{id}/retry).")
    int retry(@Parameters(paramLabel = "ID", description = "The task's id.") String id,
              @Option(names = "--from-step", paramLabel = "NAME", description = "Start again at this step.")
              String fromStep) {
        ObjectNode body = session.json().createObjectNode();
        if (fromStep != null) {
            body.put("fromStep", fromStep);
        }
        JsonNode task = session.api().post("/tasks/" + AdminClient.segment(id) + "/retry", body).body();
        Output output = session.output();
        output.either(task, () -> {
            output.line("Retrying task " + task.path("id").asText()
                    + (fromStep == null ? "." : " from step " + fromStep + "."));
            print(output, task);
        });
        return 0;
    }

    /** A task view: its fields, then its steps and waits as tables. */
    static void print(Output output, JsonNode task) {
        output.block(Block.of(task, "id", "agent", "state", "nextStep", "checkpoints", "attempt", "owner",
                "idempotencyKey", "createdAt", "updatedAt", "finishedAt", "wakeAt", "input", "context", "result",
                "error", "resumedWith"));
        if (task.path("steps").size() > 0) {
            output.line("");
            output.line("steps:");
            output.table(Table.of(task.path("steps"), "seq", "step", "outcome", "tries", "attempt", "node",
                    "startedAt", "finishedAt"), "");
        }
        if (task.path("waits").size() > 0) {
            output.line("");
            output.line("waits:");
            output.table(Table.of(task.path("waits"), "id", "seq", "kind", "state", "deadline", "source",
                    "correlationKey", "resolvedAt"), "");
            for (JsonNode wait : task.path("waits")) {
                if (wait.path("resumeUrl").isTextual()) {
                    output.line("resume url of wait " + wait.path("seq").asText() + ": "
                            + wait.path("resumeUrl").asText());
                }
            }
        }
    }
}
