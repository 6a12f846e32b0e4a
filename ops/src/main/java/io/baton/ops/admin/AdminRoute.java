package io.baton.ops.admin;

import io.baton.ops.access.Role;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One admin API route, as registered and as documented in the OpenAPI document: method, path, the least role that
 * may call it, the audit action it records ({@code null} for a read), what it does, and the answers it gives (401,
 * 403 and 400 are added to every route's document).
 *
 * @param responses status code to what it means, beside the ones every route has
 */
public record AdminRoute(HandlerType method, String path, Role role, String action, String summary,
                         Map<Integer, String> responses, Handler handler) {
    private static final Pattern PARAMETER = Pattern.compile("\\{([a-zA-Z]+)}");

    /** Whether the route changes something (and is audited). */
    public boolean mutating() {
        return action != null;
    }

    /** The names of the path's parameters, in order. */
    public java.util.List<String> pathParameters() {
        java.util.List<String> names = new java.util.ArrayList<>();
        Matcher m = PARAMETER.matcher(path);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
