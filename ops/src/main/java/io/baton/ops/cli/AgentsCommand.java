package io.baton.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code baton agents [ls]|pause|resume}: the agents the nodes run ({@code /admin/api/agents}). */
@Command(name = "agents", description = "List agents; pause one (its tasks start no new steps) or resume it.")
final class AgentsCommand implements Callable<Integer> {
    private final Session session;

    AgentsCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        return list();
    }

    @Command(name = "ls", description = "List agents (GET /agents).")
    int list() {
        JsonNode agents = session.api().get("/agents", Map.of()).body();
        Output output = session.output();
        output.either(agents, () -> output.table(Table.ofAllFields(agents.path("agents")), "no agents"));
        return 0;
    }

    @Command(name = "pause", description = "Pause an agent (POST /agents/{name}/pause).")
    int pause(@Parameters(paramLabel = "NAME", description = "The agent's name.") String name) {
        return change(name, "pause", "Agent " + name + " is paused.");
    }

    @Command(name = "resume", description = "Resume a paused agent (POST /agents/{name}/resume).")
    int resume(@Parameters(paramLabel = "NAME", description = "The agent's name.") String name) {
        return change(name, "resume", "Agent " + name + " is running again.");
    }

    private int change(String name, String action, String done) {
        JsonNode answer = session.api().post("/agents/" + AdminClient.segment(name) + "/" + action, null).body();
        session.output().changed(answer, done);
        return 0;
    }
}
