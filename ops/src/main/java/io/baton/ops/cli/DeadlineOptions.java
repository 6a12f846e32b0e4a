package io.baton.ops.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Option;

/** A new deadline for a wait: a moment ({@code --deadline}) or a time added to the current one ({@code --by}). */
final class DeadlineOptions {
    @Option(names = "--deadline", paramLabel = "ISO", required = true,
            description = "The new deadline, e.g. 2026-11-25T09:00:00Z.")
    Instant deadline;

    @Option(names = "--by", paramLabel = "DURATION", required = true,
            description = "Move the deadline later by this much, e.g. 1h, 2d or PT1H.")
    Duration by;

    /** Adds {@code deadline} or {@code by} to {@code body}, as the API takes them. */
    ObjectNode addTo(ObjectNode body) {
        return deadline != null ? body.put("deadline", deadline.toString()) : body.put("by", by.toString());
    }
}
