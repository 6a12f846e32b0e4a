package io.baton.ops.access;

import java.time.Instant;
import java.util.UUID;

/** An admin API key as listed: its prefix (the first characters, to recognise it) and metadata, never the key. */
public record ApiKey(UUID id, String name, Role role, String prefix, String createdBy, Instant createdAt,
                     Instant revokedAt) {
}
