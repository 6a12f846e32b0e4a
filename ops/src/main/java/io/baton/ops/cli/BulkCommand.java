package io.baton.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code baton bulk cancel|retry|extend|resume [filters]}: one action on every task a filter matches, in two steps.
 * The dry run ({@code POST /bulk/dry-run}) says how many tasks match, shows a sample and gives a token; applying the
 * token ({@code POST /bulk/apply}, or {@code --yes} at once) acts on what the dry run matched.
 */
@Command(name = "bulk", description = "Cancel, retry, extend or resume many tasks: a dry run first, then apply its "
        + "token (or --yes).")
final class BulkCommand {
    private final Session session;

    BulkCommand(Session session) {
        this.session = session;
    }

    @Command(name = "cancel", description = "Cancel the matching tasks.")
    int cancel(@Mixin TaskFilterOptions filter, @Option(names = "--yes", description = "Apply without asking.")
               boolean yes) {
        return run("cancel", filter, session.json().createObjectNode(), yes);
    }

    @Command(name = "retry", description = "Retry the matching FAILED tasks.")
    int retry(@Mixin TaskFilterOptions filter,
              @Option(names = "--from-step", paramLabel = "NAME", description = "Start again at this step.")
              String fromStep,
              @Option(names = "--yes", description = "Apply without asking.") boolean yes) {
        ObjectNode parameters = session.json().createObjectNode();
        if (fromStep != null) {
            parameters.put("fromStep", fromStep);
        }
        return run("retry", filter, parameters, yes);
    }

    @Command(name = "extend", description = "Give the open waits of the matching tasks a later deadline.")
    int extend(@Mixin TaskFilterOptions filter,
               @ArgGroup(exclusive = true, multiplicity = "1") DeadlineOptions deadline,
               @Option(names = "--yes", description = "Apply without asking.") boolean yes) {
        return run("extend", filter, deadline.addTo(session.json().createObjectNode()), yes);
    }

    @Command(name = "resume", description = "Resume the open waits of the matching tasks.")
    int resume(@Mixin TaskFilterOptions filter,
               @Option(names = "--payload", paramLabel = "JSON", description = "What the tasks resume with.")
               JsonNode payload,
               @Option(names = "--yes", description = "Apply without asking.") boolean yes) {
        ObjectNode parameters = session.json().createObjectNode();
        if (payload != null) {
            parameters.set("payload", payload);
        }
        return run("resume", filter, parameters, yes);
    }

    @Command(name = "apply", description = "Apply a dry run's token (POST /bulk/apply).")
    int apply(@Parameters(paramLabel = "TOKEN", description = "The token the dry run printed.") String token) {
        JsonNode result = session.api().post("/bulk/apply", session.json().createObjectNode().put("token", token))
                .body();
        Output output = session.output();
        output.either(result, () -> printResult(output, result));
        return 0;
    }

    private int run(String action, TaskFilterOptions filter, ObjectNode parameters, boolean yes) {
        ObjectNode request = session.json().createObjectNode().put("action", action);
        ObjectNode filterNode = request.putObject("filter");
        filter.parameters().forEach(filterNode::put);
        request.set("parameters", parameters);
        AdminClient api = session.api();
        JsonNode dryRun = api.post("/bulk/dry-run", request).body();
        Output output = session.output();
        if (!yes || !dryRun.path("token").isTextual()) { // no token: nothing matched, nothing to apply
            output.either(dryRun, () -> printDryRun(output, action, dryRun, session.command()));
            return 0;
        }
        JsonNode result = api.post("/bulk/apply", session.json().createObjectNode()
                .put("token", dryRun.path("token").asText())).body();
        output.either(result, () -> printResult(output, result));
        return 0;
    }

    private static void printDryRun(Output output, String action, JsonNode dryRun, String baton) {
        JsonNode count = dryRun.has("matched") ? dryRun.get("matched") : dryRun.path("count");
        output.line(action + " would act on " + Cell.text(count) + " task(s).");
        JsonNode sample = dryRun.path("sample");
        if (sample.size() > 0) {
            output.line("");
            output.line("sample:");
            if (sample.get(0).isObject()) {
                output.table(Table.of(sample, TasksCommand.LIST_COLUMNS), "");
            } else {
                sample.forEach(id -> output.line(Cell.text(id)));
            }
        }
        output.line("");
        if (!dryRun.path("token").isTextual()) {
            output.line("nothing to apply.");
            return;
        }
        if (dryRun.path("capped").asBoolean(false)) {
            output.line("capped: the token covers the " + Cell.text(dryRun.path("selected")) + " oldest (the cap is "
                    + Cell.text(dryRun.path("cap")) + "); run again for the rest once applied.");
        }
        output.line("token: " + Cell.text(dryRun.path("token")));
        if (dryRun.has("expiresAt")) {
            output.line("expires at: " + Cell.text(dryRun.path("expiresAt")));
        }
        output.line("apply with: " + baton + " bulk apply " + dryRun.path("token").asText());
    }

    private static void printResult(Output output, JsonNode result) {
        output.block(Block.of(result, "action", "matched", "applied", "skipped", "failed", "interrupted",
                "alreadyApplied"));
    }
}
