package io.baton.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.persistence.StoreUnavailableException;
import io.baton.wait.DeliveryException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the node's one Javalin app from route tables. Handlers throw; this is the one place that turns exceptions
 * into RFC 9457 problem+json answers. Unexpected errors never echo their message to the client.
 */
public final class HttpApp {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApp.class);

    private HttpApp() {
    }

    /** @param maxRequestSize the largest request body Jetty reads at all (webhook routes check their own limit) */
    public static Javalin create(ObjectMapper json, List<RouteTable> tables, long maxRequestSize) {
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jsonMapper(new JavalinJackson(json, false));
            config.http.maxRequestSize = maxRequestSize;
            tables.forEach(table -> table.register(config.routes));
            config.routes.exception(ProblemException.class, (e, ctx) ->
                    problem(ctx, e.status(), e.title(), e.getMessage()));
            config.routes.exception(DeliveryException.class, (e, ctx) -> {
                int status = switch (e.reason()) {
                    case UNKNOWN -> 404;
                    case FINISHED -> 410;
                    case CONFLICT, NOT_STARTED -> 409;
                    case UNAUTHORIZED -> 401;
                };
                problem(ctx, status, HttpStatus.forStatus(status).getMessage(), e.getMessage());
            });
            config.routes.exception(StoreUnavailableException.class, (e, ctx) -> {
                LOG.warn("Database unavailable on {} {}: {}", ctx.method(), withoutSecrets(ctx.path()),
                        e.getMessage());
                ctx.header("Retry-After", "5");
                problem(ctx, 503, "Service Unavailable",
                        "The database is unavailable, so nothing was recorded; retry later.");
            });
            config.routes.exception(HttpResponseException.class, (e, ctx) ->
                    problem(ctx, e.getStatus(), HttpStatus.forStatus(e.getStatus()).getMessage(), e.getMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("Unhandled error on {} {}", ctx.method(), withoutSecrets(ctx.path()), e);
                problem(ctx, 500, "Internal Server Error",
                        "The server failed to handle this request; the error is in its log.");
            });
            config.routes.error(404, ctx -> {
                if (!isProblem(ctx)) {
                    problem(ctx, 404, "Not Found", "No resource at " + ctx.method() + " " + withoutSecrets(ctx.path())
                            + ".");
                }
            });
            config.routes.error(405, ctx -> {
                if (!isProblem(ctx)) {
                    problem(ctx, 405, "Method Not Allowed", ctx.method() + " is not supported on "
                            + withoutSecrets(ctx.path()) + ".");
                }
            });
        });
    }

    /** A request path with any resume token masked, fit for logs and error bodies. */
    public static String withoutSecrets(String path) {
        return path.replaceAll("bt_[0-9A-Za-z]+", "bt_****");
    }

    private static boolean isProblem(Context ctx) {
        String type = ctx.res().getContentType();
        return type != null && type.startsWith(Problem.CONTENT_TYPE);
    }

    public static void problem(Context ctx, int status, String title, String detail) {
        ctx.status(status);
        ctx.json(new Problem("about:blank", title, status, detail, withoutSecrets(ctx.path())));
        ctx.contentType(Problem.CONTENT_TYPE);
    }
}
