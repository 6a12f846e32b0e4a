package io.baton.event;

import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Publishes engine events to the node's listeners; a failing listener is logged, never propagated. */
public final class EngineEvents {
    private static final Logger LOG = LoggerFactory.getLogger(EngineEvents.class);

    private final List<EngineListener> listeners;
    private final String node;
    private final Clock clock;

    public EngineEvents(List<EngineListener> listeners, String node, Clock clock) {
        this.listeners = List.copyOf(listeners);
        this.node = node;
        this.clock = clock;
    }

    public void publish(EngineEvent.Type type, UUID taskId, String agent, String step, String detail) {
        EngineEvent event = new EngineEvent(type, taskId, agent, step, node, clock.instant(), detail);
        for (EngineListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("Engine listener {} failed on {} for task {}", listener, type, taskId, e);
            }
        }
    }
}
