package io.baton.agent;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The agents a node can run, by name. Immutable once built. */
public final class AgentRegistry {
    private final Map<String, Agent> agents;

    public AgentRegistry(Collection<Agent> agents) {
        Map<String, Agent> byName = new LinkedHashMap<>();
        for (Agent agent : agents) {
            if (byName.putIfAbsent(agent.name(), agent) != null) {
                throw new IllegalArgumentException("two agents are named '" + agent.name() + "'");
            }
        }
        this.agents = Map.copyOf(byName);
    }

    public Optional<Agent> find(String name) {
        return Optional.ofNullable(agents.get(name));
    }

    public Collection<Agent> all() {
        return agents.values();
    }
}
