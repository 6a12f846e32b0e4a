package io.baton.ops.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.http.JsonBody;
import io.baton.http.ProblemException;
import io.baton.http.SecretMask;
import io.baton.wait.WaitOverrides;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The handlers of {@code /admin/api/waits}: the open waits, and resuming, failing or moving one by hand. */
final class WaitRequests {
    static final Set<String> LIST_PARAMETERS = Set.of("state", "agent", "kind", "expiringWithin", "limit", "after");
    private static final List<String> UNRESOLVED = List.of("PENDING", "OPEN");
    static final int MAX_REASON = 1000;

    private final WaitListing listing;
    private final WaitOverrides overrides;
    private final JsonBody bodies;
    private final Clock clock;

    WaitRequests(WaitListing listing, WaitOverrides overrides, JsonBody bodies, Clock clock) {
        this.listing = listing;
        this.overrides = overrides;
        this.bodies = bodies;
        this.clock = clock;
    }

    void list(Context ctx) {
        Queries.onlyKnown(ctx, LIST_PARAMETERS);
        List<String> states = UNRESOLVED;
        String state = Queries.text(ctx, "state", 50);
        if (state != null) {
            states = Arrays.stream(state.split(",")).map(s -> s.trim().toUpperCase(Locale.ROOT)).toList();
            for (String s : states) {
                if (!UNRESOLVED.contains(s)) {
                    throw Queries.bad("'" + SecretMask.echo(s) + "' is not a state this list shows; use PENDING "
                            + "(the step that made it still runs) or OPEN.");
                }
            }
        }
        String within = Queries.text(ctx, "expiringWithin", 40);
        Instant before = within == null ? null : clock.instant().plus(Queries.duration("expiringWithin", within));
        WaitListing.Filter filter = new WaitListing.Filter(states, Queries.text(ctx, "agent", 200),
                Queries.text(ctx, "kind", 200), before);
        WaitListing.Page page = Queries.page(ctx, (after, limit) -> listing.list(filter, after, limit));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("waits", page.waits());
        answer.put("next", page.next());
        ctx.json(answer);
    }

    void resume(Context ctx) {
        UUID id = waitId(ctx);
        JsonNode body = Queries.fields(bodies.read(ctx, AdminRoutes.MAX_BODY), Set.of("payload"));
        JsonNode payload = body.has("payload") ? body.get("payload")
                : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        answer(ctx, id, overrides.resume(id, payload, AdminAccess.entry(ctx)));
    }

    void fail(Context ctx) {
        UUID id = waitId(ctx);
        JsonNode body = Queries.fields(bodies.read(ctx, AdminRoutes.MAX_BODY), Set.of("reason"));
        JsonNode reason = body.get("reason");
        if (reason == null || !reason.isTextual() || reason.asText().isBlank()
                || reason.asText().length() > MAX_REASON) {
            throw Queries.bad("Field 'reason' (a string of 1-" + MAX_REASON + " characters) is required.");
        }
        answer(ctx, id, overrides.fail(id, reason.asText(), AdminAccess.entry(ctx)));
    }

    void extend(Context ctx) {
        UUID id = waitId(ctx);
        JsonNode body = Queries.fields(bodies.read(ctx, AdminRoutes.MAX_BODY), Set.of("deadline", "by"));
        JsonNode deadline = body.get("deadline");
        JsonNode by = body.get("by");
        if ((deadline == null) == (by == null) || (deadline != null && !deadline.isTextual())
                || (by != null && !by.isTextual())) {
            throw Queries.bad("Give either 'deadline' (an ISO-8601 instant) or 'by' (a duration such as 2h or P1D) "
                    + "as a string.");
        }
        Instant at = null;
        Duration step = null;
        if (deadline != null) {
            at = Queries.deadline("deadline", deadline.asText(), clock.instant());
        } else {
            step = Queries.duration("by", by.asText());
        }
        try {
            answer(ctx, id, overrides.setDeadline(id, at, step, AdminAccess.entry(ctx)));
        } catch (IllegalArgumentException e) {
            throw Queries.bad("The new deadline must be in the future: " + e.getMessage() + ".");
        } catch (java.time.DateTimeException | ArithmeticException e) {
            throw Queries.bad("The new deadline is out of range.");
        }
    }

    private static void answer(Context ctx, UUID id, WaitOverrides.Result result) {
        switch (result.outcome()) {
            case NOT_FOUND -> throw new ProblemException(404, "Not Found", "No wait with id " + id + ".");
            case NOT_OPEN -> throw new ProblemException(409, "Conflict", "Wait " + id + " is "
                    + result.before().state() + (result.before().state().name().equals("PENDING")
                    ? ": the step that made it still runs; try again when the task is WAITING."
                    : ": it already ended, so there is nothing to change."));
            case DONE -> {
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("waitId", id);
                answer.put("taskId", result.before().taskId());
                answer.put("taskFailed", result.taskFailed());
                if (result.deadline() != null) {
                    answer.put("deadline", result.deadline());
                }
                ctx.json(answer);
            }
        }
    }

    private static UUID waitId(Context ctx) {
        return Queries.uuid(ctx.pathParam("id"), "wait id");
    }
}
