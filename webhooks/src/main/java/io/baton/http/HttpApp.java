package io.baton.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.execution.BacklogFullException;
import io.baton.persistence.StoreConflictException;
import io.baton.persistence.StoreRejectedException;
import io.baton.persistence.StoreUnavailableException;
import io.baton.secret.SecretUnavailableException;
import io.baton.task.InvalidStartException;
import io.baton.task.UnknownAgentException;
import io.baton.wait.DeliveryException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the node's one Javalin app from route tables. Handlers throw; this is the one place that turns exceptions
 * into RFC 9457 problem+json answers, and Jetty's own errors (requests it cannot parse) get the same format through
 * {@link ProblemErrorHandler}. A wrong method on a known path is 405 with an {@code Allow} header. Unexpected errors
 * never echo their message to the client, and no answer or log line carries a token: paths are masked.
 */
public final class HttpApp {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApp.class);
    /** Largest request line plus headers Jetty reads (414 or 431 beyond). */
    public static final int MAX_HEADER_BYTES = 8192;

    private HttpApp() {
    }

    public static Javalin create(ObjectMapper json, List<RouteTable> tables) {
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jsonMapper(new JavalinJackson(json, false));
            config.http.prefer405over404 = true;
            config.jetty.modifyHttpConfiguration(http -> {
                http.setRequestHeaderSize(MAX_HEADER_BYTES);
                http.setSendServerVersion(false);
            });
            ProblemErrorHandler errors = new ProblemErrorHandler(json, MAX_HEADER_BYTES);
            config.jetty.modifyServer(server -> server.setErrorHandler(errors));
            config.jetty.modifyServletContextHandler(context -> context.setErrorHandler(errors));
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
            config.routes.exception(UnknownAgentException.class, (e, ctx) ->
                    problem(ctx, 422, "Unknown Agent", e.getMessage() + "."));
            config.routes.exception(BacklogFullException.class, (e, ctx) -> {
                ctx.header("Retry-After", Long.toString(Math.max(1, e.retryAfter().toSeconds())));
                problem(ctx, 429, "Too Many Requests", "Not started: " + e.getMessage() + "; retry after "
                        + Math.max(1, e.retryAfter().toSeconds()) + " s.");
            });
            config.routes.exception(InvalidStartException.class, (e, ctx) ->
                    problem(ctx, 400, "Bad Request", e.getMessage() + "."));
            config.routes.exception(StoreUnavailableException.class, (e, ctx) -> {
                LOG.warn("Database unavailable on {} {}: {}", ctx.method(), path(ctx), e.getMessage());
                ctx.header("Retry-After", "5");
                problem(ctx, 503, "Service Unavailable",
                        "The database is unavailable, so nothing was recorded; retry later.");
            });
            config.routes.exception(StoreRejectedException.class, (e, ctx) -> {
                LOG.warn("Database refused a value on {} {}: {}", ctx.method(), path(ctx), e.getMessage());
                problem(ctx, 400, "Bad Request", "A value in the request cannot be stored, so nothing was recorded.");
            });
            config.routes.exception(StoreConflictException.class, (e, ctx) ->
                    problem(ctx, 409, "Conflict", "The request conflicts with what is stored; nothing was recorded."));
            config.routes.exception(SecretUnavailableException.class, (e, ctx) -> {
                LOG.error("A stored secret cannot be opened on {} {}: {}", ctx.method(), path(ctx), e.getMessage());
                problem(ctx, 503, "Service Unavailable", "This node cannot open a stored secret it needs ("
                        + e.getMessage() + "), so nothing was recorded; the operator must check BATON_SECRET_KEY.");
            });
            config.routes.exception(HttpResponseException.class, HttpApp::javalinResponse);
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("Unhandled error on {} {}", ctx.method(), path(ctx), e);
                problem(ctx, 500, "Internal Server Error",
                        "The server failed to handle this request; the error is in its log.");
            });
            config.routes.error(404, ctx -> {
                if (!isProblem(ctx)) {
                    notFound(ctx);
                }
            });
        });
    }

    /** Javalin's own refusals (no route, wrong method, ...) with our wording: its messages echo the path. */
    private static void javalinResponse(HttpResponseException e, Context ctx) {
        switch (e.getStatus()) {
            case 404 -> notFound(ctx);
            case 405 -> {
                String allowed = allowedMethods(e.getDetails());
                ctx.header("Allow", allowed);
                problem(ctx, 405, "Method Not Allowed", ctx.method() + " is not allowed on " + path(ctx)
                        + "; use " + allowed + ".");
            }
            default -> problem(ctx, e.getStatus(), HttpStatus.forStatus(e.getStatus()).getMessage(),
                    "The request was refused: " + HttpStatus.forStatus(e.getStatus()).getMessage() + ".");
        }
    }

    private static String allowedMethods(Map<String, String> details) {
        return details.values().stream().findFirst()
                .map(methods -> methods.replaceAll("\\s+", ""))
                .map(methods -> String.join(", ", methods.split(",")))
                .orElse("");
    }

    private static void notFound(Context ctx) {
        problem(ctx, 404, "Not Found", "No resource at " + ctx.method() + " " + path(ctx) + ".");
    }

    /** The request path, masked and cut to a length fit for logs and error bodies. */
    public static String path(Context ctx) {
        return SecretMask.echo(ctx.path());
    }

    private static boolean isProblem(Context ctx) {
        String type = ctx.res().getContentType();
        return type != null && type.startsWith(Problem.CONTENT_TYPE);
    }

    public static void problem(Context ctx, int status, String title, String detail) {
        ctx.status(status);
        ctx.json(Problem.of(status, title, detail, ctx.path()));
        ctx.contentType(Problem.CONTENT_TYPE);
    }
}
