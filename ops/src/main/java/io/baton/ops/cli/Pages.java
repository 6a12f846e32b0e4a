package io.baton.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A list route of the admin API read a page at a time ({@code {"<items>": [...], "next": cursor|null}}): one page,
 * or with {@code --all} every page, following {@code next}, joined into one answer of the same shape.
 */
final class Pages {
    private Pages() {
    }

    /**
     * @param items  the field holding the page's rows ({@code tasks}, {@code waits}, {@code entries})
     * @param cursor the query parameter that takes a {@code next} ({@code after}, or {@code before} for the audit log)
     */
    static JsonNode read(AdminClient api, String path, Map<String, String> query, String items, String cursor,
                         boolean all) {
        JsonNode first = api.get(path, query).body();
        if (!all || !(first instanceof ObjectNode joined) || !first.path(items).isArray()) {
            return first;
        }
        ArrayNode rows = (ArrayNode) joined.get(items);
        Set<String> seen = new HashSet<>();
        JsonNode page = first;
        while (page.path("next").isTextual() && seen.add(page.path("next").asText())) {
            Map<String, String> next = new LinkedHashMap<>(query);
            next.put(cursor, page.path("next").asText());
            page = api.get(path, next).body();
            if (page.path(items) instanceof ArrayNode more) {
                rows.addAll(more);
            }
        }
        joined.set("next", page.path("next").isTextual() ? page.get("next") : joined.nullNode());
        return joined;
    }

    /** A line saying how to read the next page, if there is one. */
    static void printNext(Output output, JsonNode page, String option) {
        if (page.path("next").isTextual()) {
            output.line("more: add " + option + " " + page.path("next").asText() + " (or --all)");
        }
    }
}
