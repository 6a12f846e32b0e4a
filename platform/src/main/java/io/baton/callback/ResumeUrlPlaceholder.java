package io.baton.callback;

import java.util.UUID;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code task.waiting} event carries its wait's resume URL, which holds the resume token; but no token is ever
 * stored. The outbox keeps a placeholder naming the task and the wait's step sequence instead, and the sender puts the
 * URL in at send time (tokens are derived from both, so every attempt sends the same body and signature).
 */
public final class ResumeUrlPlaceholder {
    private static final Pattern PLACEHOLDER = Pattern.compile(
            "\\{\\{resumeUrl:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):(\\d{1,9})}}");

    private ResumeUrlPlaceholder() {
    }

    /** The placeholder stored for the resume URL of the token wait of step {@code seq} of the task. */
    public static String of(UUID taskId, int seq) {
        return "{{resumeUrl:" + taskId + ":" + seq + "}}";
    }

    /** {@code payload} with every placeholder replaced by the URL {@code urls} gives for its task and sequence. */
    public static String render(String payload, BiFunction<UUID, Integer, String> urls) {
        if (urls == null || !payload.contains("{{resumeUrl:")) {
            return payload;
        }
        Matcher m = PLACEHOLDER.matcher(payload);
        StringBuilder out = new StringBuilder(payload.length() + 64);
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(urls.apply(UUID.fromString(m.group(1)),
                    Integer.parseInt(m.group(2)))));
        }
        m.appendTail(out);
        return out.toString();
    }
}
