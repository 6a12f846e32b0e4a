package io.baton.config;

import java.time.Duration;

/**
 * How this node takes part in the Quartz cluster.
 *
 * @param name            Quartz scheduler name shared by all nodes of one cluster
 * @param nodeId          this node's unique id (Quartz instance id)
 * @param workerThreads   Quartz worker threads
 * @param checkinInterval heartbeat period
 * @param failureGrace    silence after a missed heartbeat before a node is declared dead
 * @param idleWait        poll period of an idle scheduler
 * @param dbRetryInterval pause before retrying after a database failure
 */
public record ClusterConfig(String name, String nodeId, int workerThreads, Duration checkinInterval,
                            Duration failureGrace, Duration idleWait, Duration dbRetryInterval) {
}
