package io.baton.task;

import java.util.List;

/** No agent of that name is registered on this node. */
public final class UnknownAgentException extends RuntimeException {
    private final String agent;
    private final List<String> known;

    public UnknownAgentException(String agent, List<String> known) {
        super("no agent named '" + agent + "' is registered on this node; known agents: " + known);
        this.agent = agent;
        this.known = List.copyOf(known);
    }

    public String agent() {
        return agent;
    }

    /** The agents this node does run, sorted by name. */
    public List<String> known() {
        return known;
    }
}
