package io.baton.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code baton waits ls|extend}: {@code /admin/api/waits}. */
@Command(name = "waits", description = "List open waits and extend their deadlines (resume them with 'baton resume').")
final class WaitsCommand {
    private final Session session;

    WaitsCommand(Session session) {
        this.session = session;
    }

    @Command(name = "ls", description = "List waits (GET /waits).")
    int list(@Option(names = "--agent", paramLabel = "AGENT", description = "Only waits of this agent's tasks.")
             String agent,
             @Option(names = "--expiring-within", paramLabel = "DURATION",
                     description = "Only waits whose deadline is within this time, e.g. 1h or PT1H.")
             Duration expiringWithin,
             @Option(names = "--limit", paramLabel = "N", description = "Waits per page.") Integer limit,
             @Option(names = "--after", paramLabel = "CURSOR", description = "The page after this cursor (a 'next').")
             String after,
             @Option(names = "--all", description = "Every page, not just the first.") boolean all) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("agent", agent);
        query.put("expiringWithin", expiringWithin == null ? null : expiringWithin.toString());
        query.put("limit", limit == null ? null : limit.toString());
        query.put("after", after);
        JsonNode page = Pages.read(session.api(), "/waits", query, "waits", "after", all);
        Output output = session.output();
        output.either(page, () -> {
            output.table(Table.of(page.path("waits"), "id", "taskId", "agent", "kind", "state", "source",
                    "correlationKey", "deadline", "lastHeartbeatAt", "waitingCallback"), "no waits");
            Pages.printNext(output, page, "--after");
        });
        return 0;
    }

    @Command(name = "extend", description = "Give an open wait a later deadline (POST /waits/{id}/extend).")
    int extend(@Parameters(paramLabel = "WAIT_ID", description = "The wait's id.") String id,
               @ArgGroup(exclusive = true, multiplicity = "1") DeadlineOptions deadline) {
        JsonNode wait = session.api().post("/waits/" + AdminClient.segment(id) + "/extend",
                deadline.addTo(session.json().createObjectNode())).body();
        session.output().changed(wait, "Extended wait " + id + ".");
        return 0;
    }
}
