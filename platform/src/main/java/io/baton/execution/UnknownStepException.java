package io.baton.execution;

/** An operator named a step the task's agent does not have (or the agent does not run on this node). */
public final class UnknownStepException extends RuntimeException {
    public UnknownStepException(String message) {
        super(message);
    }
}
