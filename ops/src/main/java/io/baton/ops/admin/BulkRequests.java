package io.baton.ops.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.audit.AuditEntry;
import io.baton.execution.BacklogFullException;
import io.baton.execution.TaskService;
import io.baton.persistence.StoreUnavailableException;
import io.baton.http.JsonBody;
import io.baton.http.ProblemException;
import io.baton.http.SecretMask;
import io.baton.task.TaskState;
import io.baton.wait.WaitOverrides;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * {@code POST /admin/api/bulk/dry-run} and {@code /bulk/apply}: one action (cancel, retry, extend, resume) over the
 * tasks a filter selects. The dry run counts them, selects at most the cap (oldest first), shows a sample and gives a
 * token; apply needs that token, acts on the selected tasks in batches (each change audited as if made by hand) and
 * reports what it did. A second apply with the same token changes nothing and answers the same report.
 */
final class BulkRequests {
    static final int BATCH = 100;
    private static final int SAMPLE = 10;
    private static final Set<String> FIELDS = Set.of("action", "filter", "parameters");
    private static final Set<String> FILTERS = Set.of("state", "agent", "createdFrom", "createdTo", "updatedFrom",
            "updatedTo", "error", "waitingOn");

    /** The actions, with the task states each can act on and the parameters it takes. */
    enum Action {
        CANCEL(EnumSet.of(TaskState.RUNNABLE, TaskState.RUNNING, TaskState.WAITING, TaskState.SLEEPING), Set.of()),
        RETRY(EnumSet.of(TaskState.FAILED), Set.of("fromStep")),
        EXTEND(EnumSet.of(TaskState.WAITING), Set.of("deadline", "by")),
        RESUME(EnumSet.of(TaskState.WAITING), Set.of("payload"));

        final Set<TaskState> states;
        final Set<String> parameters;

        Action(Set<TaskState> states, Set<String> parameters) {
            this.states = states;
            this.parameters = parameters;
        }

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final TaskListing listing;
    private final BulkOperations operations;
    private final TaskService tasks;
    private final WaitOverrides overrides;
    private final JsonBody bodies;
    private final ObjectMapper json;
    private final Clock clock;
    private final int cap;

    BulkRequests(TaskListing listing, BulkOperations operations, TaskService tasks,
                 WaitOverrides overrides, JsonBody bodies, ObjectMapper json, Clock clock, int cap) {
        this.listing = listing;
        this.operations = operations;
        this.tasks = tasks;
        this.overrides = overrides;
        this.bodies = bodies;
        this.json = json;
        this.clock = clock;
        this.cap = cap;
    }

    void dryRun(Context ctx) {
        JsonNode body = Queries.fields(bodies.read(ctx, AdminRoutes.MAX_BODY), FIELDS);
        Action action = action(body.get("action"));
        JsonNode filterNode = body.has("filter") ? body.get("filter") : json.createObjectNode();
        if (!filterNode.isObject()) {
            throw Queries.bad("'filter' must be an object with any of " + FILTERS + ".");
        }
        Queries.fields(filterNode, FILTERS);
        filterNode.fields().forEachRemaining(f -> {
            if (!f.getValue().isTextual()) {
                throw Queries.bad("Filter '" + f.getKey() + "' must be a string, as in the task list's query.");
            }
        });
        TaskListing.Filter asked = TaskRequests.filter(name -> filterNode.has(name) ? filterNode.get(name).asText()
                : null);
        JsonNode parameters = body.has("parameters") ? body.get("parameters") : json.createObjectNode();
        if (!parameters.isObject()) {
            throw Queries.bad("'parameters' must be an object with " + action.parameters + ".");
        }
        Queries.fields(parameters, action.parameters);
        checkParameters(action, parameters);
        TaskListing.Filter filter = narrowed(asked, action);
        long matched = filter.states().isEmpty() ? 0 : listing.count(filter);
        List<UUID> selected = matched == 0 ? List.of() : listing.oldest(filter, cap);
        ObjectNode answer = json.createObjectNode();
        answer.put("action", action.wireName());
        answer.put("matched", matched);
        answer.put("selected", selected.size());
        answer.put("cap", cap);
        answer.put("capped", matched > selected.size());
        var sample = answer.putArray("sample");
        selected.stream().limit(SAMPLE).forEach(id -> sample.add(id.toString()));
        AuditEntry entry = AdminAccess.entry(ctx);
        if (selected.isEmpty()) {
            answer.putNull("token");
            ctx.json(answer);
            return;
        }
        Instant now = clock.instant();
        String token = operations.plan(action.wireName(), filterNode, parameters, matched, selected,
                action == Action.EXTEND || action == Action.RESUME, entry, now);
        answer.put("token", token);
        answer.put("expiresAt", now.plus(BulkOperations.TOKEN_TTL).toString());
        ctx.json(answer);
    }

    void apply(Context ctx) {
        JsonNode body = Queries.fields(bodies.read(ctx, AdminRoutes.MAX_BODY), Set.of("token"));
        JsonNode tokenNode = body.get("token");
        if (tokenNode == null || !tokenNode.isTextual() || tokenNode.asText().length() > 200) {
            throw Queries.bad("Field 'token' (the token a dry run gave) is required.");
        }
        BulkOperations.Plan plan = operations.byToken(tokenNode.asText()).orElseThrow(() -> new ProblemException(404,
                "Not Found", "No bulk operation has this token; make one with POST /admin/api/bulk/dry-run."));
        if (plan.appliedAt() != null) {
            ctx.json(answered(plan.report(), true));
            return;
        }
        Instant now = clock.instant();
        if (!plan.expiresAt().isAfter(now)) {
            throw new ProblemException(410, "Gone", "This bulk operation's token expired at " + plan.expiresAt()
                    + " without being applied; make a new dry run.");
        }
        UUID owner = UUID.randomUUID();
        if (!operations.take(plan.id(), owner, now)) {
            throw new ProblemException(409, "Conflict", "Bulk operation " + plan.id() + " is being applied by another "
                    + "request right now; ask again when it is done to read its report.");
        }
        AuditEntry entry = AdminAccess.entry(ctx);
        Action action = Action.valueOf(plan.action().toUpperCase(Locale.ROOT));
        int batches = 0;
        JsonNode report = null;
        try {
            UUID after = null;
            for (List<BulkOperations.Target> batch = operations.pending(plan.id(), null, BATCH); !batch.isEmpty();
                 batch = operations.pending(plan.id(), after, BATCH)) {
                if (!operations.renew(plan.id(), owner, clock.instant())) {
                    throw new ProblemException(409, "Conflict", "Bulk operation " + plan.id() + " was taken over by "
                            + "another apply; ask again when it is done to read its report.");
                }
                batches++;
                for (BulkOperations.Target target : batch) {
                    after = target.taskId();
                    if (!operations.start(plan.id(), target.taskId())) {
                        continue; // another apply has it
                    }
                    AuditEntry each = new AuditEntry(entry.keyId(), entry.role(), "task." + action.wireName(),
                            target.taskId().toString(), json.createObjectNode().put("bulkOperation",
                            plan.id().toString()));
                    Done done = perform(action, target, plan.parameters(), each);
                    operations.done(plan.id(), target.taskId(), done.outcome(), done.detail());
                }
            }
            report = operations.finish(plan.id(), owner, plan.action(), plan.matched(), batches, entry,
                    clock.instant());
        } finally {
            if (report == null) {
                operations.release(plan.id(), owner);
            }
        }
        if (report == null) {
            throw new ProblemException(409, "Conflict", "Bulk operation " + plan.id() + " was finished by another "
                    + "apply; ask again to read its report.");
        }
        ctx.json(answered(report, false));
    }

    private JsonNode answered(JsonNode report, boolean already) {
        ObjectNode answer = report.deepCopy();
        answer.put("alreadyApplied", already);
        return answer;
    }

    /** What applying did to one task. */
    private record Done(String outcome, String detail) {
        static Done applied() {
            return new Done("applied", null);
        }

        static Done skipped(String why) {
            return new Done("skipped", why);
        }

        static Done failed(String why) {
            return new Done("failed", why);
        }
    }

    private Done perform(Action action, BulkOperations.Target target, JsonNode parameters, AuditEntry entry) {
        UUID taskId = target.taskId();
        try {
            return switch (action) {
                case CANCEL -> switch (tasks.cancel(taskId, entry)) {
                    case CANCELLED -> Done.applied();
                    case ALREADY_FINISHED -> Done.skipped("already finished");
                    case NOT_FOUND -> Done.skipped("no such task");
                };
                case RETRY -> switch (tasks.retry(taskId, TaskRequests.fromStep(parameters), entry).outcome()) {
                    case RETRIED -> Done.applied();
                    case NOT_FAILED -> Done.skipped("not FAILED any more");
                    case NOT_FOUND -> Done.skipped("no such task");
                };
                case EXTEND, RESUME -> {
                    if (target.waitId() == null) {
                        yield Done.skipped("no open wait at the dry run");
                    }
                    WaitOverrides.Result result = action == Action.RESUME
                            ? overrides.resume(target.waitId(), parameters.get("payload"), entry)
                            : overrides.setDeadline(target.waitId(), deadline(parameters), by(parameters), entry);
                    yield result.outcome() == WaitOverrides.Outcome.DONE ? Done.applied()
                            : Done.skipped("the wait it had at the dry run is not open any more");
                }
            };
        } catch (StoreUnavailableException e) {
            throw e; // the database is gone: stop here (the target stays started, reported as interrupted later)
        } catch (BacklogFullException e) {
            return Done.failed("the ready backlog is full");
        } catch (RuntimeException e) {
            return Done.failed(e.getClass().getSimpleName() + ": " + SecretMask.echo(String.valueOf(e.getMessage())));
        }
    }

    private static Action action(JsonNode node) {
        if (node == null || !node.isTextual()) {
            throw Queries.bad("Field 'action' is required: one of cancel, retry, extend, resume.");
        }
        for (Action a : Action.values()) {
            if (a.wireName().equals(node.asText())) {
                return a;
            }
        }
        throw Queries.bad("'" + SecretMask.echo(node.asText()) + "' is not a bulk action; use one of cancel, retry, "
                + "extend, resume.");
    }

    /** Checks the action's parameters now, so that applying cannot trip on them. */
    private void checkParameters(Action action, JsonNode parameters) {
        switch (action) {
            case RETRY -> TaskRequests.fromStep(parameters);
            case EXTEND -> {
                if (parameters.has("deadline") == parameters.has("by")) {
                    throw Queries.bad("Extending takes 'deadline' (an ISO-8601 instant) or 'by' (a duration such "
                            + "as 2h), one of them.");
                }
                deadline(parameters);
                by(parameters);
            }
            default -> {
            }
        }
    }

    private Instant deadline(JsonNode parameters) {
        JsonNode at = parameters.get("deadline");
        if (at == null) {
            return null;
        }
        return Queries.deadline("deadline", at.isTextual() ? at.asText() : at.toString(), clock.instant());
    }

    private static Duration by(JsonNode parameters) {
        JsonNode by = parameters.get("by");
        if (by == null) {
            return null;
        }
        if (!by.isTextual()) {
            throw Queries.bad("'by' must be a duration string such as 2h or P1D.");
        }
        return Queries.duration("by", by.asText());
    }

    /** The asked filter, its states narrowed to those the action can act on. */
    private static TaskListing.Filter narrowed(TaskListing.Filter f, Action action) {
        List<String> states = new ArrayList<>();
        for (TaskState s : action.states) {
            if (f.states() == null || f.states().contains(s.name())) {
                states.add(s.name());
            }
        }
        return new TaskListing.Filter(states, f.agent(), f.createdFrom(), f.createdTo(), f.updatedFrom(),
                f.updatedTo(), f.error(), f.waitingOn());
    }
}
