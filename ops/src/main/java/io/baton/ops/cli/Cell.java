package io.baton.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/** How one JSON value reads in a table or a block: text as is, instants to the second, nothing as {@code -}. */
final class Cell {
    static final String NOTHING = "-";
    private static final Pattern INSTANT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z");

    private Cell() {
    }

    static String text(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return NOTHING;
        }
        if (value.isTextual()) {
            String text = value.asText();
            return INSTANT.matcher(text).matches() ? instant(text) : text;
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    /** {@link #text}, cut to {@code max} characters (for a table column). */
    static String text(JsonNode value, int max) {
        String text = text(value).replaceAll("\\s+", " ");
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }

    /** A header or label for a field: {@code lastCheckin} reads {@code last checkin}. */
    static String words(String field) {
        return field.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
    }

    private static String instant(String text) {
        try {
            return Instant.parse(text).truncatedTo(ChronoUnit.SECONDS).toString();
        } catch (DateTimeParseException e) {
            return text;
        }
    }
}
