package io.baton.agent;

/** The code of one step. It may throw: the step's {@link RetryPolicy} decides what happens next. */
@FunctionalInterface
public interface StepBody {
    StepOutcome run(StepContext context) throws Exception;
}
