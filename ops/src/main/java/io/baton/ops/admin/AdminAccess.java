package io.baton.ops.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.audit.AuditEntry;
import io.baton.audit.AuditLog;
import io.baton.http.JsonBody;
import io.baton.http.ProblemException;
import io.baton.ops.access.ApiKeys;
import io.baton.ops.access.Caller;
import io.baton.persistence.Transactions;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.Clock;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may call what: the bearer key is looked up ({@link ApiKeys}), 401 without a live one, 403 for a role below the
 * route's. A mutating route gets an {@link AuditEntry} that the service writes in the change's transaction; a call
 * that changed nothing (refused, or a repeat) is written here, once, with its outcome.
 */
final class AdminAccess {
    private static final Logger LOG = LoggerFactory.getLogger(AdminAccess.class);
    private static final String CALLER = "baton.caller";
    private static final String AUDIT = "baton.audit";
    private static final int MAX_PARAMETERS = 4096;
    /** Fields never copied into the audit log, whatever they hold. */
    private static final Set<String> SECRET_FIELDS = Set.of("secret", "token", "password", "key", "apikey");

    private final ApiKeys keys;
    private final AuditLog auditLog;
    private final Transactions transactions;
    private final ObjectMapper json;
    private final Clock clock;
    private final JsonBody bodies;

    AdminAccess(ApiKeys keys, AuditLog auditLog, Transactions transactions, ObjectMapper json, Clock clock,
                JsonBody bodies) {
        this.bodies = bodies;
        this.keys = keys;
        this.auditLog = auditLog;
        this.transactions = transactions;
        this.json = json;
        this.clock = clock;
    }

    /** Authenticates every request under {@code /admin/api}. */
    void authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthorized(ctx, "Send an admin API key as 'Authorization: Bearer <key>'.");
        }
        Caller caller = keys.authenticate(header.substring(7).trim())
                .orElseThrow(() -> unauthorized(ctx, "The API key was not accepted (unknown or revoked)."));
        ctx.attribute(CALLER, caller);
    }

    /** The route's handler behind its role check, and for a mutating route, its audit entry. */
    Handler guard(AdminRoute route) {
        return ctx -> {
            Caller caller = ctx.attribute(CALLER);
            if (caller == null) {
                authenticate(ctx); // HEAD and anything the before-handler did not see
                caller = ctx.attribute(CALLER);
            }
            if (!caller.role().allows(route.role())) {
                throw new ProblemException(403, "Forbidden", "This key's role (" + caller.role().wireName()
                        + ") may not do this; it needs " + route.role().wireName() + " or above.");
            }
            if (!route.mutating()) {
                route.handler().handle(ctx);
                return;
            }
            AuditEntry entry = new AuditEntry(caller.keyId(), caller.role().wireName(), route.action(),
                    target(ctx, route), parameters(ctx));
            ctx.attribute(AUDIT, entry);
            try {
                route.handler().handle(ctx);
            } catch (ProblemException e) {
                record(entry, "refused: " + e.status() + " " + e.getMessage());
                throw e;
            } catch (Exception e) {
                record(entry, "failed: " + e.getClass().getSimpleName());
                throw e;
            }
            record(entry, "no change: " + ctx.statusCode());
        };
    }

    /** The audit entry of the mutating request being handled. */
    static AuditEntry entry(Context ctx) {
        AuditEntry entry = ctx.attribute(AUDIT);
        if (entry == null) {
            throw new IllegalStateException("no audit entry: the route is not declared mutating");
        }
        return entry;
    }

    private void record(AuditEntry entry, String result) {
        if (entry.recorded()) {
            return;
        }
        try {
            write(entry, result);
        } catch (RuntimeException e) { // parameters the database refused (a number beyond its range): not them, then
            try {
                write(new AuditEntry(entry.keyId(), entry.role(), entry.action(), entry.target(),
                        json.createObjectNode().put("parameters", "(not storable)")), result);
            } catch (RuntimeException again) {
                LOG.error("An admin call ({}) could not be written to the audit log: {}", entry, again.toString());
            }
        }
    }

    private void write(AuditEntry entry, String result) {
        transactions.inTransaction(c -> {
            auditLog.write(c, entry, result, clock.instant());
            return null;
        });
    }

    private static String target(Context ctx, AdminRoute route) {
        return route.pathParameters().isEmpty() ? null : ctx.pathParam(route.pathParameters().get(0));
    }

    /** Path and query parameters and the JSON body's fields, without any field that could hold a secret. */
    private ObjectNode parameters(Context ctx) {
        ObjectNode all = json.createObjectNode();
        ctx.pathParamMap().forEach(all::put);
        ctx.queryParamMap().forEach((k, v) -> all.put(k, String.join(",", v)));
        JsonNode body = null;
        try {
            byte[] bytes = bodies.bytes(ctx, AdminRoutes.MAX_BODY);
            if (bytes.length > 0) {
                body = bodies.parse(bytes); // the strict parse the handler makes: what it accepts, the log holds
            }
        } catch (ProblemException e) {
            all.put("body", "(refused: " + e.status() + ")"); // the handler reads it again and answers the same
        }
        if (body != null && body.isObject()) {
            body.fields().forEachRemaining(f -> {
                if (!SECRET_FIELDS.contains(f.getKey().toLowerCase(Locale.ROOT))) {
                    all.set(f.getKey(), f.getValue());
                }
            });
        }
        if (all.toString().length() > MAX_PARAMETERS) {
            ObjectNode cut = json.createObjectNode();
            cut.put("truncated", true);
            all.fieldNames().forEachRemaining(name -> cut.put(name, "…"));
            return cut;
        }
        return all;
    }

    private static ProblemException unauthorized(Context ctx, String detail) {
        ctx.header("WWW-Authenticate", "Bearer realm=\"baton-admin\"");
        return new ProblemException(401, "Unauthorized", detail);
    }
}
