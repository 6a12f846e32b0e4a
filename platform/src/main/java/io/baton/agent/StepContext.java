package io.baton.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;

/** What a step sees while it runs. */
public interface StepContext {

    UUID taskId();

    /** The input the task was started with (read-only by convention). */
    JsonNode input();

    /** The task's JSON state: change it freely; it is saved with the step's checkpoint. */
    ObjectNode state();

    /** Which try of this step this is: 1 the first time, 2 on the first retry, and so on. */
    int attempt();

    /**
     * A key that is the same on every try of this step of this task (task id and step sequence). Pass it to
     * external systems as their idempotency key so a re-run step does not repeat its side effect.
     */
    String idempotencyKey();

    /** The node's clock: use it instead of {@code Instant.now()}. */
    Clock clock();

    /** A logger whose lines carry the task id. */
    Logger log();

    /**
     * The resume token and URL of the wait this step is about to return with {@code StepOutcome.await(Wait.token(..))}
     * — to put in an e-mail or hand to a third party before the step returns. The same on every try of the step.
     * Asking for it registers the wait, so a delivery that arrives before the step returns is kept, not lost.
     */
    io.baton.agent.ResumeLink resumeLink();

    /**
     * What resumed the wait that preceded this step: the delivered JSON payload, {@code {"reason": ...}} after a
     * failure delivery, or {@code null} (no wait, or a timeout).
     */
    JsonNode resumedWith();
}
