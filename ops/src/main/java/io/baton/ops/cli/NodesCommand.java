package io.baton.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code baton nodes [ls]|standby|activate}: the cluster's nodes ({@code /admin/api/nodes}). */
@Command(name = "nodes", description = "List the cluster's nodes; put one on standby (it takes no new work) or "
        + "activate it again.")
final class NodesCommand implements Callable<Integer> {
    private final Session session;

    NodesCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        return list();
    }

    @Command(name = "ls", description = "List nodes (GET /nodes).")
    int list() {
        JsonNode nodes = session.api().get("/nodes", Map.of()).body();
        Output output = session.output();
        output.either(nodes, () -> output.table(Table.of(nodes.path("nodes"), "name", "alive", "standby", "running",
                "version", "lastCheckin"), "no nodes"));
        return 0;
    }

    @Command(name = "standby", description = "Stop a node taking new work; what it runs finishes "
            + "(POST /nodes/{name}/standby).")
    int standby(@Parameters(paramLabel = "NAME", description = "The node's name (BATON_NODE_ID).") String name) {
        return change(name, "standby", "Node " + name + " is on standby.");
    }

    @Command(name = "activate", description = "Let a node on standby take work again (POST /nodes/{name}/activate).")
    int activate(@Parameters(paramLabel = "NAME", description = "The node's name (BATON_NODE_ID).") String name) {
        return change(name, "activate", "Node " + name + " is active.");
    }

    private int change(String name, String action, String done) {
        JsonNode answer = session.api().post("/nodes/" + AdminClient.segment(name) + "/" + action, null).body();
        session.output().changed(answer, done);
        return 0;
    }
}
