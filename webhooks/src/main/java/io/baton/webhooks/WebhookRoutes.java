package io.baton.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.http.ProblemException;
import io.baton.http.RouteTable;
import io.baton.wait.Delivery;
import io.baton.wait.DeliveryReceipt;
import io.baton.wait.EventSource;
import io.baton.wait.WaitService;
import io.baton.signature.GitHubScheme;
import io.baton.signature.NoSignatureScheme;
import io.baton.signature.SignatureScheme;
import io.baton.signature.StandardWebhooksScheme;
import io.baton.signature.StripeScheme;
import io.baton.signature.Verification;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The inbound webhook API, one route table:
 * <ul>
 *   <li>{@code POST /hooks/{token}}: resume the token's wait with the JSON body</li>
 *   <li>{@code POST /hooks/{token}/heartbeat}: push the wait's deadline out (up to its maximum)</li>
 *   <li>{@code POST /hooks/{token}/fail}: resume on the wait's failure path, {@code {"reason": "..."}}</li>
 *   <li>{@code POST /events/{source}}: an event on a registered source, matched to waits by correlation key</li>
 * </ul>
 * A 2xx answer is a receipt for something durably recorded; a 4xx changed nothing.
 */
public final class WebhookRoutes implements RouteTable {
    private static final int MAX_DELIVERY_ID = 200;

    private final WaitService waits;
    private final ObjectMapper json;
    private final int maxBody;
    private final Clock clock;

    public WebhookRoutes(WaitService waits, ObjectMapper json, int maxBody, Clock clock) {
        this.waits = waits;
        this.json = json;
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
        byte[] body = body(ctx);
        requireJsonType(ctx);
        JsonNode payload = parse(body);
        answer(ctx, waits.deliver(ctx.pathParam("token"), delivery(ctx, payload, body)));
    }

    private void fail(Context ctx) {
        byte[] body = body(ctx);
        String reason = "failed by the caller";
        if (body.length > 0) {
            requireJsonType(ctx);
            JsonNode given = parse(body).get("reason");
            if (given != null && !given.isTextual()) {
                throw new ProblemException(400, "Bad Request", "Field 'reason' must be a string.");
            }
            reason = given == null ? reason : given.asText();
        }
        JsonNode payload = json.createObjectNode().put("reason", reason);
        answer(ctx, waits.fail(ctx.pathParam("token"), delivery(ctx, payload, body), reason));
    }

    private void heartbeat(Context ctx) {
        byte[] body = body(ctx);
        answer(ctx, waits.heartbeat(ctx.pathParam("token"), delivery(ctx, null, body)));
    }

    private void event(Context ctx) {
        String name = ctx.pathParam("source");
        EventSource source = waits.source(name).orElseThrow(() -> new ProblemException(404, "Not Found",
                "No event source named '" + name + "' is registered."));
        byte[] body = body(ctx);
        requireJsonType(ctx);
        Verification verification = scheme(source).verify(ctx.headerMap(), body);
        if (!verification.isValid()) {
            throw new ProblemException(401, "Unauthorized", "Signature check failed: " + verification.reason()
                    + ".");
        }
        JsonNode payload = parse(body);
        JsonNode key = payload.at(source.correlationPointer());
        if (key.isMissingNode() || key.isNull() || key.isContainerNode() || key.asText().isEmpty()) {
            throw new ProblemException(400, "Bad Request", "The event has no correlation key at "
                    + source.correlationPointer() + " (a string or number is expected there).");
        }
        Delivery delivery = delivery(ctx, payload, body);
        if (delivery.deliveryId() == null && "stripe".equals(source.scheme()) && payload.path("id").isTextual()) {
            delivery = new Delivery(payload.path("id").asText(), payload, delivery.payloadHash(), body,
                    delivery.headers());
        }
        answer(ctx, waits.deliverEvent(source, key.asText(), delivery));
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
        ctx.status(200).json(receipt);
    }

    private byte[] body(Context ctx) {
        long declared = ctx.contentLength();
        if (declared > maxBody) {
            throw tooLarge(declared);
        }
        byte[] body;
        try {
            body = ctx.bodyAsBytes();
        } catch (RuntimeException e) {
            throw tooLarge(declared);
        }
        if (body.length > maxBody) {
            throw tooLarge(body.length);
        }
        return body;
    }

    private ProblemException tooLarge(long size) {
        return new ProblemException(413, "Content Too Large", "The body" + (size > 0 ? " (" + size + " bytes)" : "")
                + " is larger than the " + maxBody + "-byte limit for webhooks.");
    }

    private static void requireJsonType(Context ctx) {
        String type = ctx.contentType();
        String base = type == null ? "" : type.split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (!base.equals("application/json") && !base.endsWith("+json")) {
            throw new ProblemException(415, "Unsupported Media Type", "Send a JSON body with 'Content-Type: "
                    + "application/json'" + (type == null ? "" : " (got '" + type + "')") + ".");
        }
    }

    private JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw new ProblemException(400, "Bad Request", "The body is empty; send a JSON document.");
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ProblemException(400, "Bad Request", "The body is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ").");
        } catch (IOException e) {
            throw new ProblemException(400, "Bad Request", "The body could not be read as JSON.");
        }
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
                return value.trim();
            }
        }
        return null;
    }

    /** SHA-256 of the payload re-serialised, so whitespace does not make the same JSON a different payload. */
    private String hash(JsonNode payload) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                    json.writeValueAsString(payload).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

}
