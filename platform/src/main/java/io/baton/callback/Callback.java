package io.baton.callback;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A registered endpoint, as shown to its owner: never its signing secret (that is shown once, when made).
 *
 * @param eventTypes     the wire names it wants ({@code task.waiting}, ...), or {@code *}
 * @param agent          only events of this agent's tasks, or {@code null} for all
 * @param disabledReason why it is disabled (by an operator, a 410, or failing for too long), or {@code null}
 * @param failingSince   when its current run of failed attempts began, or {@code null}
 */
public record Callback(UUID id, String url, List<String> eventTypes, String agent, String description,
                       boolean enabled, String disabledReason, Instant failingSince, Instant previousSecretUntil,
                       Instant createdAt, Instant updatedAt) {
}
