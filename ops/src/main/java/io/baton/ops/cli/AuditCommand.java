package io.baton.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code baton audit}: the audit log, newest first ({@code GET /admin/api/audit}, admin role). */
@Command(name = "audit", description = "The audit log of admin API changes and refusals, newest first (GET /audit).")
final class AuditCommand implements Callable<Integer> {
    private final Session session;

    @Option(names = "--key-id", paramLabel = "ID", description = "Only calls made with this key.")
    String keyId;

    @Option(names = "--action", paramLabel = "ACTION", description = "Only this action, e.g. task.cancel.")
    String action;

    @Option(names = "--target", paramLabel = "ID", description = "Only calls on this target (a task id, ...).")
    String target;

    @Option(names = "--from", paramLabel = "ISO", description = "At or after this instant.")
    Instant from;

    @Option(names = "--to", paramLabel = "ISO", description = "Before this instant.")
    Instant to;

    @Option(names = "--limit", paramLabel = "N", description = "Entries per page (1-500, default 50).")
    Integer limit;

    @Option(names = "--before", paramLabel = "CURSOR", description = "The page after this cursor (a 'next').")
    String before;

    @Option(names = "--all", description = "Every page, not just the first.")
    boolean all;

    AuditCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("keyId", keyId);
        query.put("action", action);
        query.put("target", target);
        query.put("from", from == null ? null : from.toString());
        query.put("to", to == null ? null : to.toString());
        query.put("limit", limit == null ? null : limit.toString());
        query.put("before", before);
        JsonNode page = Pages.read(session.api(), "/audit", query, "entries", "before", all);
        Output output = session.output();
        output.either(page, () -> {
            output.table(Table.of(page.path("entries"), "id", "at", "keyId", "role", "action", "target", "result"),
                    "no entries");
            Pages.printNext(output, page, "--before");
        });
        return 0;
    }
}
