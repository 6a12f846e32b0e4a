package io.baton.node;

/** The node could not start for a reason other than the database or the configuration. */
public final class NodeStartException extends RuntimeException {
    public NodeStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
