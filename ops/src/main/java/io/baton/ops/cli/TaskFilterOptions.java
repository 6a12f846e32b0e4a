package io.baton.ops.cli;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Which tasks: the filters of {@code baton tasks ls} and {@code baton bulk}, named as the task list's query
 * parameters ({@code state}, {@code agent}, {@code error}, {@code waitingOn}, {@code createdFrom}, ...). The server
 * checks the values (a state it does not know is a 400).
 */
final class TaskFilterOptions {
    @Option(names = "--state", split = ",", paramLabel = "STATE",
            description = "Only tasks in these states (comma-separated), e.g. FAILED or WAITING,SLEEPING.")
    List<String> states;

    @Option(names = "--agent", paramLabel = "AGENT", description = "Only tasks of this agent.")
    String agent;

    @Option(names = "--error", paramLabel = "TEXT",
            description = "Only tasks whose error message contains TEXT (or whose error type is TEXT).")
    String error;

    @Option(names = "--waiting-on", paramLabel = "WHAT",
            description = "Only tasks with an open wait of this kind (token, event) or on this event source.")
    String waitingOn;

    @Option(names = "--created-from", paramLabel = "ISO", description = "Created at or after this instant.")
    Instant createdFrom;

    @Option(names = "--created-to", paramLabel = "ISO", description = "Created before this instant.")
    Instant createdTo;

    @Option(names = "--updated-from", paramLabel = "ISO", description = "Last changed at or after this instant.")
    Instant updatedFrom;

    @Option(names = "--updated-to", paramLabel = "ISO", description = "Last changed before this instant.")
    Instant updatedTo;

    /** The filters given, as the API names them (the task list's query, a bulk action's {@code filter}). */
    Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("state", states == null || states.isEmpty() ? null : String.join(",", states));
        p.put("agent", agent);
        p.put("error", error);
        p.put("waitingOn", waitingOn);
        p.put("createdFrom", text(createdFrom));
        p.put("createdTo", text(createdTo));
        p.put("updatedFrom", text(updatedFrom));
        p.put("updatedTo", text(updatedTo));
        p.values().removeIf(java.util.Objects::isNull);
        return p;
    }

    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }
}
