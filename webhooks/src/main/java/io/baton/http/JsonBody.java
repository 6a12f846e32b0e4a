package io.baton.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Reads request bodies the same way on every HTTP surface: the size limit first (413, naming the limit), then the
 * exact content type ({@code application/json}, optionally {@code ; charset=utf-8}, else 415), then strict UTF-8 and
 * strict JSON (400 with what is wrong and where): one document, no duplicate keys, at most {@value #MAX_DEPTH}
 * levels deep, numbers of at most {@value #MAX_NUMBER_LENGTH} characters that fit a 64-bit float, and no text that
 * PostgreSQL cannot store ({@code \u0000}, unpaired surrogates). A body that passes can be stored as it is.
 */
public final class JsonBody {
    /** Deepest nesting of arrays and objects accepted. */
    public static final int MAX_DEPTH = 64;
    private static final String READ = "baton.body";
    /** Longest number, in characters, accepted. */
    public static final int MAX_NUMBER_LENGTH = 1000;

    private final ObjectMapper strict = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Size, content type and JSON checks in that order; the document. */
    public JsonNode read(Context ctx, long maxBytes) {
        byte[] body = bytes(ctx, maxBytes);
        requireJsonType(ctx);
        return parse(body);
    }

    /**
     * The raw body (for signature checks), at most {@code maxBytes}; else 413. Read once per request: a second call
     * answers what the first did.
     */
    public byte[] bytes(Context ctx, long maxBytes) {
        Object read = ctx.attribute(READ);
        if (read instanceof byte[] done) {
            return done;
        }
        if (read instanceof ProblemException refused) {
            throw refused;
        }
        try {
            byte[] body = readOnce(ctx, maxBytes);
            ctx.attribute(READ, body);
            return body;
        } catch (ProblemException e) {
            ctx.attribute(READ, e);
            throw e;
        }
    }

    private static byte[] readOnce(Context ctx, long maxBytes) {
        long declared = ctx.contentLength();
        if (declared > maxBytes) {
            if (declared <= DRAIN_LIMIT) {
                drain(ctx); // read it all, so the client, still sending, gets the 413 instead of a reset connection
            }
            throw tooLarge(declared, maxBytes);
        }
        byte[] body;
        try (InputStream in = ctx.req().getInputStream()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        } catch (IOException | RuntimeException e) {
            throw new ProblemException(400, "Bad Request", "The body could not be read (" + e.getClass().getSimpleName()
                    + "); send it with a correct Content-Length or chunked encoding.");
        }
        if (body.length > maxBytes) {
            throw tooLarge(-1, maxBytes);
        }
        return body;
    }

    /** A body declared larger than the route takes but at most this is read and dropped before the 413. */
    static final long DRAIN_LIMIT = 4L * 1024 * 1024;

    private static void drain(Context ctx) {
        try (InputStream in = ctx.req().getInputStream()) {
            in.skipNBytes(Math.min(ctx.contentLength(), DRAIN_LIMIT));
        } catch (IOException | RuntimeException e) {
            // the client stopped sending: the 413 goes out anyway
        }
    }

    private static ProblemException tooLarge(long size, long maxBytes) {
        return new ProblemException(413, "Content Too Large", "The body" + (size > 0 ? " (" + size + " bytes)" : "")
                + " is larger than this route's limit of " + maxBytes + " bytes.");
    }

    /** 415 unless the content type is {@code application/json}, with no parameter but {@code charset=utf-8}. */
    public void requireJsonType(Context ctx) {
        String type = ctx.header("Content-Type");
        if (type == null || !isJson(type)) {
            throw new ProblemException(415, "Unsupported Media Type", "Send the body as JSON with 'Content-Type: "
                    + "application/json' (optionally '; charset=utf-8')"
                    + (type == null ? "; the request has no Content-Type." : ", not '" + SecretMask.echo(type) + "'."));
        }
    }

    static boolean isJson(String type) {
        String[] parts = type.split(";", -1);
        if (!parts[0].trim().toLowerCase(Locale.ROOT).equals("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String[] parameter = parts[i].split("=", 2);
            if (parameter.length != 2 || !parameter[0].trim().equalsIgnoreCase("charset")) {
                return false;
            }
            String value = parameter[1].trim();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            if (!value.equalsIgnoreCase("utf-8")) {
                return false;
            }
        }
        return true;
    }

    /** The one JSON document in {@code body}; 400 saying what is wrong otherwise. */
    public JsonNode parse(byte[] body) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw badRequest("The body is not valid UTF-8; send JSON encoded as UTF-8.");
        }
        if (text.isBlank()) {
            throw badRequest("The body is " + (text.isEmpty() ? "empty" : "blank") + "; send a JSON document.");
        }
        JsonNode document;
        try {
            document = strict.readTree(text);
        } catch (StreamConstraintsException e) {
            throw badRequest("The body is beyond a JSON limit: "
                    + e.getOriginalMessage().replaceAll(", from `[^`]*`", "") + ".");
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw badRequest("The body is not valid JSON: " + e.getOriginalMessage() + where + ".");
        }
        requireStorable(document, "");
        return document;
    }

    /** Rejects what PostgreSQL's jsonb cannot hold faithfully, naming where it is (a JSON pointer). */
    private static void requireStorable(JsonNode node, String pointer) {
        if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
            throw badRequest("The number at '" + at(pointer) + "' is out of range: numbers must fit a 64-bit float.");
        }
        if (node.isTextual()) {
            requireStorableText(node.textValue(), "The string at '" + at(pointer) + "'");
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                String child = pointer + "/" + field.getKey().replace("~", "~0").replace("/", "~1");
                requireStorableText(field.getKey(), "The key at '" + at(child) + "'");
                requireStorable(field.getValue(), child);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                requireStorable(node.get(i), pointer + "/" + i);
            }
        }
    }

    private static void requireStorableText(String text, String what) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                throw badRequest(what + " contains the character U+0000, which cannot be stored.");
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw badRequest(what + " contains an unpaired UTF-16 surrogate (\\u"
                        + Integer.toHexString(c) + "), which is not valid Unicode.");
            }
        }
    }

    private static String at(String pointer) {
        return pointer.isEmpty() ? "(the document itself)" : SecretMask.echo(pointer);
    }

    private static ProblemException badRequest(String detail) {
        return new ProblemException(400, "Bad Request", detail);
    }
}
