package io.baton.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code baton callbacks ls|show|deliveries|replay}: callback endpoints ({@code /admin/api/callbacks}). */
@Command(name = "callbacks", description = "List callback endpoints, read their deliveries, send one again.")
final class CallbacksCommand {
    private final Session session;

    CallbacksCommand(Session session) {
        this.session = session;
    }

    @Command(name = "ls", description = "List callback endpoints (GET /callbacks).")
    int list() {
        JsonNode answer = session.api().get("/callbacks", Map.of()).body();
        Output output = session.output();
        output.either(answer, () -> output.table(Table.of(answer.path("callbacks"), "id", "url", "eventTypes", "agent",
                "enabled", "failingSince", "description"), "no callback endpoints"));
        return 0;
    }

    @Command(name = "show", description = "A callback endpoint (GET /callbacks/{id}).")
    int show(@Parameters(paramLabel = "ID", description = "The endpoint's id.") String id) {
        JsonNode callback = session.api().get("/callbacks/" + AdminClient.segment(id), Map.of()).body();
        Output output = session.output();
        output.either(callback, () -> output.block(Block.of(callback, "id", "url", "eventTypes", "agent",
                "description", "enabled", "disabledReason", "failingSince", "previousSecretUntil", "createdAt",
                "updatedAt")));
        return 0;
    }

    @Command(name = "deliveries", description = "An endpoint's newest deliveries with their attempts "
            + "(GET /callbacks/{id}/deliveries).")
    int deliveries(@Parameters(paramLabel = "ID", description = "The endpoint's id.") String id,
                   @Option(names = "--limit", paramLabel = "N", description = "How many (1-500, default 100).")
                   Integer limit) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("limit", limit == null ? null : limit.toString());
        JsonNode answer = session.api().get("/callbacks/" + AdminClient.segment(id) + "/deliveries", query).body();
        Output output = session.output();
        output.either(answer, () -> output.table(Table.of(answer.path("deliveries"), "eventId", "type", "state",
                "attempts", "createdAt", "dueAt", "deliveredAt", "lastError"), "no deliveries"));
        return 0;
    }

    @Command(name = "replay", description = "Send one delivery again from its first attempt "
            + "(POST /callbacks/{id}/deliveries/{eventId}/replay).")
    int replay(@Parameters(index = "0", paramLabel = "ID", description = "The endpoint's id.") String id,
               @Parameters(index = "1", paramLabel = "EVENT_ID", description = "The delivery's event id.")
               String eventId) {
        JsonNode answer = session.api().post("/callbacks/" + AdminClient.segment(id) + "/deliveries/"
                + AdminClient.segment(eventId) + "/replay", null).body();
        session.output().changed(answer, "Event " + eventId + " is queued for endpoint " + id + " again.");
        return 0;
    }
}
