package io.baton.ops.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.http.JsonBody;
import io.baton.http.ProblemException;
import io.baton.ops.access.ApiKey;
import io.baton.ops.access.ApiKeys;
import io.baton.ops.access.Role;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The handlers of {@code /admin/api/keys}: make a key (its secret shown this once), list, revoke. */
final class KeyRequests {
    private static final Set<String> CREATE_FIELDS = Set.of("name", "role");

    private final ApiKeys keys;
    private final JsonBody bodies;

    KeyRequests(ApiKeys keys, JsonBody bodies) {
        this.keys = keys;
        this.bodies = bodies;
    }

    void create(Context ctx) {
        JsonNode body = Queries.fields(bodies.read(ctx, AdminRoutes.MAX_BODY), CREATE_FIELDS);
        JsonNode name = body.get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank()
                || name.asText().length() > ApiKeys.MAX_NAME_LENGTH) {
            throw Queries.bad("Field 'name' (who or what the key is for, 1-" + ApiKeys.MAX_NAME_LENGTH
                    + " characters) is required.");
        }
        JsonNode role = body.get("role");
        Role chosen = role == null || !role.isTextual() ? null : Role.fromWire(role.asText()).orElse(null);
        if (chosen == null) {
            throw Queries.bad("Field 'role' must be one of viewer, operator, admin.");
        }
        ApiKeys.Made made = keys.create(name.asText().strip(), chosen, AdminAccess.entry(ctx));
        Map<String, Object> answer = view(made.key());
        answer.put("key", made.secret());
        ctx.header("Location", "/admin/api/keys/" + made.key().id());
        ctx.status(201).json(answer);
    }

    void list(Context ctx) {
        ctx.json(Map.of("keys", keys.list().stream().map(KeyRequests::view).toList()));
    }

    void revoke(Context ctx) {
        UUID id = Queries.uuid(ctx.pathParam("id"), "key id");
        ApiKey key = keys.find(id).orElseThrow(() -> new ProblemException(404, "Not Found", "No key with id " + id
                + "."));
        if (!keys.revoke(id, AdminAccess.entry(ctx))) {
            throw new ProblemException(409, "Conflict", "Key " + id + " was already revoked at " + key.revokedAt()
                    + ".");
        }
        ctx.json(view(keys.find(id).orElseThrow()));
    }

    private static Map<String, Object> view(ApiKey key) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", key.id());
        view.put("name", key.name());
        view.put("role", key.role().wireName());
        view.put("prefix", key.prefix());
        view.put("createdBy", key.createdBy());
        view.put("createdAt", key.createdAt());
        view.put("revokedAt", key.revokedAt());
        return view;
    }
}
