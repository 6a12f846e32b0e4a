package io.baton.callback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code task.waiting} event carries its wait's resume URL, which holds the resume token; but no token is ever
 * stored. The outbox keeps a placeholder naming the task and the wait's step sequence instead, and the sender puts the
 * URL in at send time (tokens are derived from both, so every attempt sends the same body). Only the
 * {@code data.resumeUrl} of a {@code task.waiting} event is rendered, and only for that event's own task: a
 * placeholder-looking text anywhere else (a failure reason, a payload) is sent as it is.
 */
public final class ResumeUrlPlaceholder {
    private static final Pattern PLACEHOLDER = Pattern.compile(
            "\\{\\{resumeUrl:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):(\\d{1,9})}}");

    private final ObjectMapper json;
    private final BiFunction<UUID, Integer, String> urls;

    /** @param urls the resume URL of a task's token wait by its step sequence; {@code null} without a token key */
    public ResumeUrlPlaceholder(ObjectMapper json, BiFunction<UUID, Integer, String> urls) {
        this.json = json;
        this.urls = urls;
    }

    /** The placeholder stored for the resume URL of the token wait of step {@code seq} of the task. */
    public static String of(UUID taskId, int seq) {
        return "{{resumeUrl:" + taskId + ":" + seq + "}}";
    }

    /**
     * The body to send for stored {@code payload}: a {@code task.waiting} event gets its resume URL (or, on a node
     * without a token key, no {@code resumeUrl} at all); every other payload is sent as stored.
     */
    public String render(String payload) {
        if (!payload.contains("{{resumeUrl:")) {
            return payload;
        }
        try {
            JsonNode event = json.readTree(payload);
            JsonNode data = event.path("data");
            Matcher m = PLACEHOLDER.matcher(data.path("resumeUrl").asText(""));
            if (!EventType.TASK_WAITING.wireName().equals(event.path("type").asText()) || !m.matches()
                    || !m.group(1).equals(data.path("taskId").asText()) || !(data instanceof ObjectNode fields)) {
                return payload;
            }
            if (urls == null) {
                fields.remove("resumeUrl");
            } else {
                fields.put("resumeUrl", urls.apply(UUID.fromString(m.group(1)), Integer.parseInt(m.group(2))));
            }
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            return payload; // stored by the outbox, so always JSON; sent as it is if not
        }
    }
}
