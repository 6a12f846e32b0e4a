package io.baton.ops.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.callback.Callback;
import io.baton.callback.Callbacks;
import io.baton.callback.DeliveryRepository;
import io.baton.callback.InvalidCallbackException;
import io.baton.http.JsonBody;
import io.baton.http.ProblemException;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The handlers of {@code /admin/api/callbacks} (registered in {@link AdminRoutes}, the admin API's one route table):
 * reading the request strictly, calling {@link Callbacks}, answering JSON. A registration's signing secret is in the
 * answer to the create and rotate requests only.
 */
final class CallbackRequests {
    private static final Set<String> CREATE_FIELDS = Set.of("url", "eventTypes", "agent", "description");
    private static final Duration DEFAULT_OVERLAP = Duration.ofHours(24);

    private final Callbacks callbacks;
    private final JsonBody bodies;

    CallbackRequests(Callbacks callbacks, JsonBody bodies) {
        this.callbacks = callbacks;
        this.bodies = bodies;
    }

    void create(Context ctx) {
        JsonNode body = object(ctx, CREATE_FIELDS);
        JsonNode types = body.get("eventTypes");
        if (types == null || !types.isArray()) {
            throw Queries.bad("Field 'eventTypes' (an array of event types, or [\"*\"]) is required.");
        }
        List<String> typeNames = new ArrayList<>();
        types.forEach(t -> {
            if (!t.isTextual()) {
                throw Queries.bad("Field 'eventTypes' must hold strings.");
            }
            typeNames.add(t.asText());
        });
        Callbacks.Registered made = invalidAs400(() -> audited(ctx).register(new Callbacks.Registration(
                text(body, "url", true), typeNames, text(body, "agent", false), text(body, "description", false))));
        Map<String, Object> answer = view(made.callback());
        answer.put("secret", made.secret());
        ctx.header("Location", "/admin/api/callbacks/" + made.callback().id());
        ctx.status(201).json(answer);
    }

    void list(Context ctx) {
        ctx.json(Map.of("callbacks", callbacks.list().stream().map(CallbackRequests::view).toList()));
    }

    void get(Context ctx) {
        ctx.json(view(found(ctx)));
    }

    void delete(Context ctx) {
        UUID id = id(ctx);
        if (!audited(ctx).delete(id)) {
            throw notFound(id);
        }
        ctx.status(204);
    }

    void enable(Context ctx) {
        UUID id = id(ctx);
        ctx.json(view(audited(ctx).enable(id).orElseThrow(() -> notFound(id))));
    }

    void disable(Context ctx) {
        UUID id = id(ctx);
        JsonNode body = optionalObject(ctx, Set.of("reason"));
        String reason = body == null ? null : text(body, "reason", false);
        ctx.json(view(invalidAs400(() -> audited(ctx).disable(id, reason)).orElseThrow(() -> notFound(id))));
    }

    void rotate(Context ctx) {
        UUID id = id(ctx);
        JsonNode body = optionalObject(ctx, Set.of("overlapSeconds"));
        Duration overlap = DEFAULT_OVERLAP;
        if (body != null && body.has("overlapSeconds")) {
            JsonNode seconds = body.get("overlapSeconds");
            if (!seconds.canConvertToLong() || !seconds.isIntegralNumber()) {
                throw Queries.bad("Field 'overlapSeconds' must be a whole number of seconds.");
            }
            overlap = Duration.ofSeconds(seconds.asLong());
        }
        Duration chosen = overlap;
        Callbacks.Registered rotated = invalidAs400(() -> audited(ctx).rotateSecret(id, chosen))
                .orElseThrow(() -> notFound(id));
        Map<String, Object> answer = view(rotated.callback());
        answer.put("secret", rotated.secret());
        ctx.json(answer);
    }

    void deliveries(Context ctx) {
        UUID id = id(ctx);
        found(ctx);
        int limit = 100;
        String given = ctx.queryParam("limit");
        if (given != null) {
            try {
                limit = Integer.parseInt(given);
            } catch (NumberFormatException e) {
                throw Queries.bad("Query parameter 'limit' must be a whole number (1-500).");
            }
            if (limit < 1 || limit > 500) {
                throw Queries.bad("Query parameter 'limit' must be 1-500.");
            }
        }
        ctx.json(Map.of("deliveries", callbacks.deliveries(id, limit).stream().map(CallbackRequests::view).toList()));
    }

    void replayOne(Context ctx) {
        UUID id = id(ctx);
        UUID event = Queries.uuid(ctx.pathParam("eventId"), "an event id");
        if (!audited(ctx).replay(event, id)) {
            throw new ProblemException(404, "Not Found", "Endpoint " + id + " has no delivery of event " + event + ".");
        }
        ctx.status(202).json(Map.of("replayed", 1));
    }

    void replayFailed(Context ctx) {
        UUID id = id(ctx);
        found(ctx);
        JsonNode body = object(ctx, Set.of("since"));
        String since = text(body, "since", true);
        Instant from;
        try {
            from = Instant.parse(since);
        } catch (DateTimeParseException e) {
            throw Queries.bad("Field 'since' must be an ISO-8601 instant like 2026-01-31T12:00:00Z.");
        }
        ctx.status(202).json(Map.of("replayed", audited(ctx).replayFailed(id, from)));
    }

    /** The body as a JSON object with only {@code fields}; {@code null} if the request has no body. */
    private JsonNode optionalObject(Context ctx, Set<String> fields) {
        byte[] bytes = bodies.bytes(ctx, AdminRoutes.MAX_BODY);
        if (bytes.length == 0) {
            return null;
        }
        bodies.requireJsonType(ctx);
        return Queries.fields(bodies.parse(bytes), fields);
    }

    private JsonNode object(Context ctx, Set<String> fields) {
        return Queries.fields(bodies.read(ctx, AdminRoutes.MAX_BODY), fields);
    }

    private static String text(JsonNode body, String field, boolean required) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw Queries.bad("Field '" + field + "' (a string) is required.");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw Queries.bad("Field '" + field + "' must be a string.");
        }
        return value.asText();
    }

    private static <T> T invalidAs400(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (InvalidCallbackException e) {
            throw Queries.bad("The callback was not registered: " + e.getMessage() + ".");
        }
    }

    private Callback found(Context ctx) {
        UUID id = id(ctx);
        return callbacks.find(id).orElseThrow(() -> notFound(id));
    }

    private static UUID id(Context ctx) {
        return Queries.uuid(ctx.pathParam("id"), "callback id");
    }

    private static ProblemException notFound(UUID id) {
        return new ProblemException(404, "Not Found", "No callback endpoint with id " + id + ".");
    }

    /** The registry, writing this request's audit entry in the transaction of the change it makes. */
    private Callbacks audited(Context ctx) {
        return callbacks.audited(AdminAccess.entry(ctx));
    }

    private static Map<String, Object> view(Callback c) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", c.id());
        view.put("url", c.url());
        view.put("eventTypes", c.eventTypes());
        view.put("agent", c.agent());
        view.put("description", c.description());
        view.put("enabled", c.enabled());
        view.put("disabledReason", c.disabledReason());
        view.put("failingSince", c.failingSince());
        view.put("previousSecretUntil", c.previousSecretUntil());
        view.put("createdAt", c.createdAt());
        view.put("updatedAt", c.updatedAt());
        return view;
    }

    private static Map<String, Object> view(DeliveryRepository.Delivery d) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("eventId", d.eventId());
        view.put("type", d.type());
        view.put("state", d.state());
        view.put("attempts", d.attempts());
        view.put("dueAt", d.dueAt());
        view.put("lastError", d.lastError());
        view.put("deliveredAt", d.deliveredAt());
        view.put("createdAt", d.createdAt());
        view.put("attemptLog", d.attemptLog().stream().map(a -> {
            Map<String, Object> attempt = new LinkedHashMap<>();
            attempt.put("attempt", a.attempt());
            attempt.put("node", a.node());
            attempt.put("at", a.at());
            attempt.put("statusCode", a.statusCode());
            attempt.put("latencyMillis", a.latencyMillis());
            attempt.put("responseExcerpt", a.responseExcerpt());
            attempt.put("error", a.error());
            return attempt;
        }).toList());
        return view;
    }
}
