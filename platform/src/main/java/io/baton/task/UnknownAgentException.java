package io.baton.task;

/** No agent of that name is registered on this node. */
public final class UnknownAgentException extends RuntimeException {
    public UnknownAgentException(String agent) {
        super("no agent named '" + agent + "' is registered on this node");
    }
}
