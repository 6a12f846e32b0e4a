package io.baton.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.http.JsonBody;
import io.baton.http.ProblemException;
import io.baton.http.SecretMask;
import io.baton.http.RouteTable;
import io.baton.wait.Delivery;
import io.baton.wait.DeliveryReceipt;
import io.baton.wait.EventSource;
import io.baton.agent.Wait;
import io.baton.wait.WaitService;
import io.baton.signature.GitHubScheme;
import io.baton.signature.NoSignatureScheme;
import io.baton.signature.SignatureScheme;
import io.baton.signature.StandardWebhooksScheme;
import io.baton.signature.StripeScheme;
import io.baton.signature.Verification;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;

/**
 * The inbound webhook API, one route table:
 * <ul>
 *   <li>{@code POST /hooks/{token}}: resume the token's wait with the JSON body</li>
 *   <li>{@code POST /hooks/{token}/heartbeat}: push the wait's deadline out (up to its maximum)</li>
 *   <li>{@code POST /hooks/{token}/fail}: resume on the wait's failure path, {@code {"reason": "..."}}</li>
 *   <li>{@code POST /events/{source}}: an event on a registered source, matched to waits by correlation key</li>
 * </ul>
 * A 2xx answer is a receipt for something durably recorded; a repeated delivery gets the first one's receipt again
 * with {@code Idempotent-Replayed: true}; a 4xx changed nothing. Bodies are read by {@link JsonBody}.
 */
public final class WebhookRoutes implements RouteTable {
    /** Marks the receipt of an earlier delivery answered again for a repeated one. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    private static final int MAX_DELIVERY_ID = 200;

    private final WaitService waits;
    private final ObjectMapper json;
    private final JsonBody bodies;
    private final int maxBody;
    private final Clock clock;

    public WebhookRoutes(WaitService waits, ObjectMapper json, JsonBody bodies, int maxBody, Clock clock) {
        this.waits = waits;
        this.json = json;
        this.bodies = bodies;
        this.maxBody = maxBody;
        this.clock = clock;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/hooks/{token}", this::resume);
        routes.post("/hooks/{token}/heartbeat", this::heartbeat);
        routes.post("/hooks/{token}/fail", this::fail);
        routes.post("/events/{source}", this::event);
    }

    private void resume(Context ctx) {
        byte[] body = bodies.bytes(ctx, maxBody);
        bodies.requireJsonType(ctx);
        JsonNode payload = bodies.parse(body);
        answer(ctx, waits.deliver(ctx.pathParam("token"), delivery(ctx, payload, body)));
    }

    private void fail(Context ctx) {
        byte[] body = bodies.bytes(ctx, maxBody);
        bodies.requireJsonType(ctx);
        JsonNode document = bodies.parse(body);
        if (!document.isObject()) {
            throw new ProblemException(400, "Bad Request", "The body must be a JSON object, like "
                    + "{\"reason\": \"rejected by Grace\"} (the reason is optional).");
        }
        JsonNode given = document.get("reason");
        if (given != null && !given.isTextual()) {
            throw new ProblemException(400, "Bad Request", "Field 'reason' must be a string.");
        }
        String reason = given == null ? "failed by the caller" : given.textValue();
        JsonNode payload = json.createObjectNode().put("reason", reason);
        answer(ctx, waits.fail(ctx.pathParam("token"), delivery(ctx, payload, body), reason));
    }

    private void heartbeat(Context ctx) {
        byte[] body = bodies.bytes(ctx, maxBody);
        if (body.length > 0) {
            bodies.requireJsonType(ctx);
            bodies.parse(body);
        }
        answer(ctx, waits.heartbeat(ctx.pathParam("token"), delivery(ctx, null, body)));
    }

    private void event(Context ctx) {
        String name = ctx.pathParam("source");
        EventSource source = waits.source(name).orElseThrow(() -> new ProblemException(404, "Not Found",
                "No event source named '" + SecretMask.echo(name) + "' is registered."));
        byte[] body = bodies.bytes(ctx, maxBody);
        bodies.requireJsonType(ctx);
        Verification verification = scheme(source).verify(ctx.headerMap(), body);
        if (!verification.isValid()) {
            throw new ProblemException(401, "Unauthorized", "Signature check failed: " + verification.reason()
                    + ".");
        }
        JsonNode payload = bodies.parse(body);
        String key = correlationKey(payload.at(source.correlationPointer()), source);
        Delivery delivery = delivery(ctx, payload, body);
        if (delivery.deliveryId() == null && "stripe".equals(source.scheme()) && payload.path("id").isTextual()) {
            delivery = new Delivery(payload.path("id").asText(), payload, delivery.payloadHash(), body,
                    delivery.headers());
        }
        answer(ctx, waits.deliverEvent(source, key, delivery));
    }

    /** The event's correlation key: a non-empty string or an integer, at most {@value Wait#MAX_CORRELATION_KEY} long. */
    private static String correlationKey(JsonNode key, EventSource source) {
        String where = " at " + source.correlationPointer();
        if (!key.isTextual() && !key.isIntegralNumber()) {
            throw new ProblemException(400, "Bad Request", "The event has no correlation key" + where + " (a string "
                    + "or an integer is expected there" + (key.isMissingNode() ? "" : ", not " + describe(key)) + ").");
        }
        String text = key.asText();
        if (text.isBlank() || text.length() > Wait.MAX_CORRELATION_KEY) {
            throw new ProblemException(400, "Bad Request", "The correlation key" + where + " must be 1-"
                    + Wait.MAX_CORRELATION_KEY + " characters, not " + (text.isBlank() ? "blank" : text.length()) + ".");
        }
        return text;
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case NUMBER -> "a fractional number";
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            default -> node.getNodeType().name().toLowerCase();
        };
    }

    private Delivery delivery(Context ctx, JsonNode payload, byte[] body) {
        return new Delivery(deliveryId(ctx), payload, payload == null ? null : hash(payload), body, ctx.headerMap());
    }

    private SignatureScheme scheme(EventSource source) {
        return switch (source.scheme()) {
            case "standard-webhooks" -> new StandardWebhooksScheme(source.secret(), clock);
            case "github" -> new GitHubScheme(source.secret());
            case "stripe" -> new StripeScheme(source.secret(), clock);
            default -> new NoSignatureScheme();
        };
    }

    private void answer(Context ctx, DeliveryReceipt receipt) {
        if (receipt.replayed()) {
            ctx.header(REPLAYED_HEADER, "true");
        }
        ctx.status(200).json(receipt);
    }

    /** The delivery's id from {@code webhook-id}, {@code Idempotency-Key} or {@code X-GitHub-Delivery}. */
    private static String deliveryId(Context ctx) {
        for (String header : new String[] {"webhook-id", "Idempotency-Key", "X-GitHub-Delivery"}) {
            String value = ctx.header(header);
            if (value != null && !value.isBlank()) {
                if (value.length() > MAX_DELIVERY_ID) {
                    throw new ProblemException(400, "Bad Request", header + " is longer than " + MAX_DELIVERY_ID
                            + " characters.");
                }
                if (!value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                    throw new ProblemException(400, "Bad Request", header + " must be printable ASCII.");
                }
                return value.trim();
            }
        }
        return null;
    }

    private String hash(JsonNode payload) {
        return Delivery.payloadHash(json, payload);
    }

}
