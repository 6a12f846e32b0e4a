package io.baton.node;

/**
 * What readiness means for a node: the database answers, the schema is migrated and the scheduler runs.
 */
public record NodeHealth(String nodeId, boolean databaseReachable, boolean migrationsApplied,
                         boolean schedulerStarted) {

    public boolean ready() {
        return databaseReachable && migrationsApplied && schedulerStarted;
    }
}
