package io.baton.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.agent.StepContext;
import io.baton.agent.ResumeLink;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;

/** The {@link StepContext} handed to one try of one step. */
record RunningStepContext(UUID taskId, JsonNode input, ObjectNode state, int attempt, String idempotencyKey,
                          Clock clock, Logger log, JsonNode resumedWith, Supplier<ResumeLink> links)
        implements StepContext {

    @Override
    public ResumeLink resumeLink() {
        return links.get();
    }
}
