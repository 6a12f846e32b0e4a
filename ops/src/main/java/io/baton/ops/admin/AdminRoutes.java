package io.baton.ops.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.audit.AuditLog;
import io.baton.callback.Callbacks;
import io.baton.agent.AgentRegistry;
import io.baton.execution.TaskService;
import io.baton.node.BatonNode;
import io.baton.http.JsonBody;
import io.baton.http.RouteTable;
import io.baton.ops.access.ApiKeys;
import io.baton.persistence.Transactions;
import io.baton.wait.WaitService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HandlerType;
import io.javalin.http.Handler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.baton.ops.access.Role.ADMIN;
import static io.baton.ops.access.Role.OPERATOR;
import static io.baton.ops.access.Role.VIEWER;
import static io.javalin.http.HandlerType.DELETE;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;

/**
 * The admin API's one route table ({@code /admin/api}): every route with the least role that may call it, its audit
 * action if it changes something, and its answers. The same table registers the routes and writes the OpenAPI
 * document ({@code GET /admin/openapi.json}, {@link OpenApiDocument}), so the two cannot drift apart. Every request
 * needs a bearer key ({@link AdminAccess}); every error is problem+json.
 */
public final class AdminRoutes implements RouteTable {
    /** Largest request body the admin API reads (1 MiB). */
    public static final int MAX_BODY = 1024 * 1024;
    static final String OPENAPI_PATH = "/admin/openapi.json";

    private final AdminAccess access;
    private final List<AdminRoute> routes;
    private final ObjectMapper json;

    /** What the admin API serves. */
    public record Services(TaskService tasks, WaitService waits, Callbacks callbacks, ApiKeys keys, AuditLog audit,
                           Transactions transactions, ObjectMapper json, Clock clock, BatonNode.Operations operations,
                           AgentRegistry agents, int bulkMax) {
    }

    public AdminRoutes(Services s, JsonBody bodies) {
        this.access = new AdminAccess(s.keys(), s.audit(), s.transactions(), s.json(), s.clock(), bodies);
        this.json = s.json();
        TaskListing taskListing = new TaskListing(s.transactions());
        TaskRequests tasks = new TaskRequests(s.tasks(), s.waits(), taskListing, bodies);
        WaitRequests waits = new WaitRequests(new WaitListing(s.transactions()), s.operations().waits(), bodies,
                s.clock());
        BulkRequests bulk = new BulkRequests(taskListing, new BulkOperations(s.transactions(), s.audit(), s.json()),
                s.tasks(), s.operations().waits(), bodies, s.json(), s.clock(), s.bulkMax());
        ClusterRequests cluster = new ClusterRequests(s.operations().nodes(), s.operations().agentPauses(),
                s.agents());
        SourceRequests sources = new SourceRequests(s.waits(), s.transactions(), s.clock());
        CallbackRequests callbacks = new CallbackRequests(s.callbacks(), bodies);
        KeyRequests keys = new KeyRequests(s.keys(), bodies);
        AuditRequests audit = new AuditRequests(s.audit(), s.transactions());
        List<AdminRoute> all = new ArrayList<>();
        all.add(read("/admin/api/tasks", "List tasks, newest first: filters state, agent, createdFrom/To, "
                + "updatedFrom/To, error, waitingOn; keyset pages (limit, after)", tasks::list));
        all.add(change(POST, "/admin/api/tasks", OPERATOR, "task.start", "Start a task (idempotent with "
                + "idempotencyKey)", Map.of(201, "Started", 200, "Already started with this idempotency key",
                404, "No such agent", 503, "The backlog is full"), tasks::start));
        all.add(read("/admin/api/tasks/{id}", "A task: context, result or error, step timeline, waits",
                tasks::get, 404, "No such task"));
        all.add(change(POST, "/admin/api/tasks/{id}/cancel", OPERATOR, "task.cancel", "Cancel a task that has not "
                + "finished", Map.of(200, "Cancelled", 404, "No such task", 409, "Already finished"), tasks::cancel));
        all.add(change(POST, "/admin/api/tasks/{id}/retry", OPERATOR, "task.retry", "Run a FAILED task again from "
                + "the step it failed in, or from 'fromStep'; its context is kept", Map.of(200, "Runnable again",
                404, "No such task", 409, "Not FAILED"), tasks::retry));
        all.add(read("/admin/api/waits", "Waits not ended, oldest first: task, agent, kind, deadline, last heartbeat, "
                + "whether the task.waiting callback was delivered; filters state, agent, kind, expiringWithin; "
                + "keyset pages (limit, after)", waits::list));
        all.add(change(POST, "/admin/api/waits/{id}/resume", OPERATOR, "wait.resume", "Resume an open wait by hand "
                + "with 'payload', as a delivery to its token would", Map.of(200, "Resumed", 404, "No such wait",
                409, "Not open"), waits::resume));
        all.add(change(POST, "/admin/api/waits/{id}/fail", OPERATOR, "wait.fail", "Fail an open wait by hand with "
                + "'reason': its failure step runs, or the task fails", Map.of(200, "Failed", 404, "No such wait",
                409, "Not open"), waits::fail));
        all.add(change(POST, "/admin/api/waits/{id}/extend", OPERATOR, "wait.extend", "Set an open wait's deadline "
                + "('deadline') or move it on ('by')", Map.of(200, "Moved", 404, "No such wait", 409, "Not open"),
                waits::extend));
        all.add(change(POST, "/admin/api/bulk/dry-run", OPERATOR, "bulk.dry-run", "Count and select the tasks a "
                + "filter matches for an action (cancel, retry, extend, resume), at most BATON_BULK_MAX; a sample "
                + "and the token to apply it", Map.of(200, "The plan"), bulk::dryRun));
        all.add(change(POST, "/admin/api/bulk/apply", OPERATOR, "bulk.apply", "Apply a dry run's plan with its "
                + "token, in batches; applying again answers the report and changes nothing", Map.of(200,
                "The report", 404, "Unknown token", 409, "Being applied now", 410, "Token expired"), bulk::apply));
        all.add(read("/admin/api/nodes", "The cluster's nodes: last check-in, alive, running steps, version, standby",
                cluster::nodes));
        all.add(change(POST, "/admin/api/nodes/{name}/standby", ADMIN, "node.standby", "Drain a node: it finishes "
                + "what it runs and claims nothing more (within about a second)", Map.of(200, "In standby",
                404, "No such node"), cluster::standby));
        all.add(change(POST, "/admin/api/nodes/{name}/activate", ADMIN, "node.activate", "Put a node in standby back "
                + "to work", Map.of(200, "Active", 404, "No such node"), cluster::activate));
        all.add(read("/admin/api/agents", "The agents: registered on this node, paused", cluster::agents));
        all.add(change(POST, "/admin/api/agents/{name}/pause", ADMIN, "agent.pause", "Pause an agent: its ready "
                + "tasks stay queued, nothing is lost", Map.of(200, "Paused", 404, "No such agent",
                409, "Already paused"), cluster::pause));
        all.add(change(POST, "/admin/api/agents/{name}/resume", ADMIN, "agent.resume", "Resume a paused agent",
                Map.of(200, "Resumed", 404, "No such agent", 409, "Not paused"), cluster::resume));
        all.add(read("/admin/api/event-sources", "The event sources: URL, scheme, correlation pointer, open waits, "
                + "buffered events", sources::list));
        all.add(change(POST, "/admin/api/callbacks", ADMIN, "callback.create", "Register a callback endpoint (its "
                + "signing secret is in this answer only)", Map.of(201, "Registered"), callbacks::create));
        all.add(read("/admin/api/callbacks", "List callback endpoints", callbacks::list));
        all.add(read("/admin/api/callbacks/{id}", "A callback endpoint", callbacks::get, 404, "No such endpoint"));
        all.add(change(DELETE, "/admin/api/callbacks/{id}", ADMIN, "callback.delete", "Delete an endpoint and its "
                + "deliveries", Map.of(204, "Deleted", 404, "No such endpoint"), callbacks::delete));
        all.add(change(POST, "/admin/api/callbacks/{id}/enable", ADMIN, "callback.enable", "Enable an endpoint",
                Map.of(200, "Enabled", 404, "No such endpoint"), callbacks::enable));
        all.add(change(POST, "/admin/api/callbacks/{id}/disable", ADMIN, "callback.disable", "Disable an endpoint "
                + "(optional reason)", Map.of(200, "Disabled", 404, "No such endpoint"), callbacks::disable));
        all.add(change(POST, "/admin/api/callbacks/{id}/rotate-secret", ADMIN, "callback.rotate-secret", "A new "
                + "signing secret (shown once); the old one signs too during the overlap", Map.of(200, "Rotated",
                404, "No such endpoint"), callbacks::rotate));
        all.add(read("/admin/api/callbacks/{id}/deliveries", "An endpoint's newest deliveries with every attempt",
                callbacks::deliveries, 404, "No such endpoint"));
        all.add(change(POST, "/admin/api/callbacks/{id}/deliveries/{eventId}/replay", OPERATOR, "callback.replay",
                "Send one delivery again from its first attempt", Map.of(202, "Queued", 404, "No such delivery"),
                callbacks::replayOne));
        all.add(change(POST, "/admin/api/callbacks/{id}/replay-failed", OPERATOR, "callback.replay-failed", "Send "
                + "every dead delivery of an endpoint since a time again", Map.of(202, "Queued",
                404, "No such endpoint"), callbacks::replayFailed));
        all.add(new AdminRoute(GET, "/admin/api/keys", ADMIN, null, "List API keys (prefix and metadata only)",
                Map.of(200, "The keys"), keys::list));
        all.add(change(POST, "/admin/api/keys", ADMIN, "key.create", "Make an API key with a role (the key is in "
                + "this answer only)", Map.of(201, "Made"), keys::create));
        all.add(change(POST, "/admin/api/keys/{id}/revoke", ADMIN, "key.revoke", "Revoke a key (refused on every "
                + "node within seconds)", Map.of(200, "Revoked", 404, "No such key", 409, "Already revoked"),
                keys::revoke));
        all.add(new AdminRoute(GET, "/admin/api/audit", ADMIN, null, "The audit log, newest first: filters keyId, "
                + "action, target, from, to; pages (limit, before)", Map.of(200, "Entries"), audit::list));
        this.routes = List.copyOf(all);
    }

    /** Every route, in the order of the table. */
    public List<AdminRoute> routes() {
        return routes;
    }

    @Override
    public void register(RoutesConfig config) {
        config.before("/admin/api/*", access::authenticate);
        for (AdminRoute route : routes) {
            Handler guarded = access.guard(route);
            config.addHttpHandler(route.method(), route.path(), guarded);
            if (route.method().equals(GET)) {
                // Left to itself, Javalin answers HEAD 200 without running the handler, even for what does not exist.
                config.addHttpHandler(HandlerType.HEAD, route.path(), guarded);
            }
        }
        String document = new OpenApiDocument(json).write(routes);
        config.get(OPENAPI_PATH, ctx -> ctx.contentType("application/json").result(document));
    }

    private static AdminRoute read(String path, String summary, Handler handler) {
        return new AdminRoute(GET, path, VIEWER, null, summary, Map.of(200, "OK"), handler);
    }

    private static AdminRoute read(String path, String summary, Handler handler, int missing, String meaning) {
        return new AdminRoute(GET, path, VIEWER, null, summary, Map.of(200, "OK", missing, meaning), handler);
    }

    private static AdminRoute change(HandlerType method, String path, io.baton.ops.access.Role role, String action,
                                     String summary, Map<Integer, String> responses, Handler handler) {
        return new AdminRoute(method, path, role, action, summary, responses, handler);
    }
}
