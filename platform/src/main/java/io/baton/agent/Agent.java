package io.baton.agent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A named definition of ordered, named steps. Steps are found by name, not position, so a task started on an older
 * definition still finds its place after a deploy.
 *
 * <pre>{@code
 * Agent agent = Agent.named("greeter")
 *         .step("hello", ctx -> {
 *             ctx.state().put("greeting", "Hello " + ctx.input().path("name").asText());
 *             return StepOutcome.next();
 *         })
 *         .step("done", ctx -> StepOutcome.complete(ctx.state()))
 *         .build();
 * }</pre>
 */
public final class Agent {
    private final String name;
    private final List<Step> steps;
    private final Map<String, Integer> positions;

    private Agent(String name, List<Step> steps) {
        this.name = name;
        this.steps = List.copyOf(steps);
        Map<String, Integer> byName = new LinkedHashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            if (byName.putIfAbsent(steps.get(i).name(), i) != null) {
                throw new IllegalArgumentException("agent '" + name + "' has two steps named '"
                        + steps.get(i).name() + "'");
            }
        }
        this.positions = Map.copyOf(byName);
    }

    public static Builder named(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    public List<Step> steps() {
        return steps;
    }

    public Step firstStep() {
        return steps.get(0);
    }

    public Optional<Step> step(String stepName) {
        Integer position = positions.get(stepName);
        return position == null ? Optional.empty() : Optional.of(steps.get(position));
    }

    /** The step after {@code stepName} in definition order, if any. */
    public Optional<Step> stepAfter(String stepName) {
        Integer position = positions.get(stepName);
        return position == null || position + 1 >= steps.size() ? Optional.empty()
                : Optional.of(steps.get(position + 1));
    }

    @Override
    public String toString() {
        return "Agent[" + name + ", steps=" + positions.keySet() + "]";
    }

    /** Collects the steps of an agent in order. */
    public static final class Builder {
        private final String name;
        private final List<Step> steps = new ArrayList<>();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
                throw new IllegalArgumentException("agent name '" + name
                        + "' must be 1-100 letters, digits, '.', '_' or '-'");
            }
        }

        /** Adds a step with the {@link RetryPolicy#DEFAULT default} retry policy. */
        public Builder step(String stepName, StepBody body) {
            return step(stepName, body, RetryPolicy.DEFAULT);
        }

        public Builder step(String stepName, StepBody body, RetryPolicy retryPolicy) {
            steps.add(new Step(stepName, body, retryPolicy));
            return this;
        }

        public Agent build() {
            if (steps.isEmpty()) {
                throw new IllegalArgumentException("agent '" + name + "' has no steps");
            }
            return new Agent(name, steps);
        }
    }
}
