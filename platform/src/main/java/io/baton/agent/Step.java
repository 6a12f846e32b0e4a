package io.baton.agent;

import java.util.Objects;

/** A named step of an agent with its code and retry policy. */
public record Step(String name, StepBody body, RetryPolicy retryPolicy) {
    public Step {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a step needs a name");
        }
    }
}
