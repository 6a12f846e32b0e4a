package io.baton.ops.admin;

import io.baton.agent.Agent;
import io.baton.agent.AgentRegistry;
import io.baton.cluster.AgentPauses;
import io.baton.cluster.NodeDirectory;
import io.baton.http.ProblemException;
import io.baton.http.SecretMask;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The handlers of {@code /admin/api/nodes} and {@code /admin/api/agents}: who runs, drain a node, pause an agent. */
final class ClusterRequests {
    private final NodeDirectory nodes;
    private final AgentPauses pauses;
    private final AgentRegistry agents;

    ClusterRequests(NodeDirectory nodes, AgentPauses pauses, AgentRegistry agents) {
        this.nodes = nodes;
        this.pauses = pauses;
        this.agents = agents;
    }

    void nodes(Context ctx) {
        Queries.onlyKnown(ctx, java.util.Set.of());
        ctx.json(Map.of("nodes", nodes.all()));
    }

    void standby(Context ctx) {
        setStandby(ctx, true);
    }

    void activate(Context ctx) {
        setStandby(ctx, false);
    }

    private void setStandby(Context ctx, boolean standby) {
        String name = ctx.pathParam("name");
        NodeDirectory.Change change = nodes.standby(name, standby, AdminAccess.entry(ctx));
        if (change == NodeDirectory.Change.NOT_FOUND) {
            throw new ProblemException(404, "Not Found", "No node named '" + SecretMask.echo(name)
                    + "' has started in this cluster.");
        }
        NodeDirectory.Node node = nodes.all().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
        ctx.json(node);
    }

    /** One agent: whether it runs on the node that answered, and whether it is paused (since when, by whom). */
    record AgentView(String name, boolean registeredHere, boolean paused, Instant pausedAt, String pausedBy) {
    }

    void agents(Context ctx) {
        Queries.onlyKnown(ctx, java.util.Set.of());
        Map<String, AgentPauses.Pause> paused = pauses.paused();
        TreeSet<String> names = new TreeSet<>(paused.keySet());
        agents.all().forEach(a -> names.add(a.name()));
        List<AgentView> views = new ArrayList<>();
        for (String name : names) {
            AgentPauses.Pause pause = paused.get(name);
            views.add(new AgentView(name, agents.find(name).isPresent(), pause != null,
                    pause == null ? null : pause.since(), pause == null ? null : pause.by()));
        }
        ctx.json(Map.of("agents", views));
    }

    void pause(Context ctx) {
        String name = knownAgent(ctx);
        if (!pauses.pause(name, AdminAccess.entry(ctx))) {
            throw new ProblemException(409, "Conflict", "Agent '" + name + "' is already paused.");
        }
        ctx.json(Map.of("agent", name, "paused", true));
    }

    void resume(Context ctx) {
        String name = ctx.pathParam("name");
        if (!pauses.resume(name, AdminAccess.entry(ctx))) {
            if (agents.find(name).isEmpty()) {
                throw unknownAgent(name);
            }
            throw new ProblemException(409, "Conflict", "Agent '" + name + "' is not paused.");
        }
        ctx.json(Map.of("agent", name, "paused", false));
    }

    private String knownAgent(Context ctx) {
        String name = ctx.pathParam("name");
        if (agents.find(name).isEmpty()) {
            throw unknownAgent(name);
        }
        return name;
    }

    private ProblemException unknownAgent(String name) {
        return new ProblemException(404, "Not Found", "No agent named '" + SecretMask.echo(name) + "' runs on this "
                + "node; agents here: " + agents.all().stream().map(Agent::name).sorted().toList() + ".");
    }
}
