package io.baton.agent;

import java.time.Duration;
import java.util.Objects;

/**
 * What a step decided. Create one with the factory methods: {@link #next()}, {@link #goTo(String)},
 * {@link #sleep(Duration)}, {@link #await(Wait)}, {@link #complete(Object)}, {@link #fail(String)}.
 */
public sealed interface StepOutcome {

    /** Run the next step in definition order. */
    static StepOutcome next() {
        return new Continue(null);
    }

    /** Run the named step next. */
    static StepOutcome goTo(String step) {
        return new Continue(Objects.requireNonNull(step, "step"));
    }

    /**
     * Sleep durably (no thread, no memory held), then run the next step. At most
     * {@link InvalidOutcomeException#MAX_DURATION}; a longer or negative duration fails the task.
     */
    static StepOutcome sleep(Duration duration) {
        return new Sleep(duration, null);
    }

    /** Sleep durably, then run the named step. */
    static StepOutcome sleep(Duration duration, String thenStep) {
        return new Sleep(duration, Objects.requireNonNull(thenStep, "thenStep"));
    }

    /** Finish the task successfully with a JSON-serialisable result (may be {@code null}). */
    static StepOutcome complete(Object result) {
        return new Complete(result);
    }

    /**
     * Pause until the wait is resumed (its token presented, or its event received), fails, or times out. The payload
     * that resumed it is handed to the next step as {@link StepContext#resumedWith()}.
     */
    static StepOutcome await(Wait wait) {
        return new Await(Objects.requireNonNull(wait, "wait"));
    }

    /** Finish the task as failed, without retrying. */
    static StepOutcome fail(String reason) {
        return new Fail(Objects.requireNonNull(reason, "reason"));
    }

    /** @param step the step to run next, or {@code null} for the next in order */
    record Continue(String step) implements StepOutcome {
    }

    /** @param step the step to run after waking, or {@code null} for the next in order */
    record Sleep(Duration duration, String step) implements StepOutcome {
        public Sleep {
            InvalidOutcomeException.requireInRange("the sleep duration", duration);
        }
    }

    record Await(Wait condition) implements StepOutcome {
    }

    record Complete(Object result) implements StepOutcome {
    }

    record Fail(String reason) implements StepOutcome {
    }
}
