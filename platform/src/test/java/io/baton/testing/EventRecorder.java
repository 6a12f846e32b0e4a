package io.baton.testing;

import io.baton.event.EngineEvent;
import io.baton.event.EngineListener;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every engine event, for assertions and for waiting on the engine instead of sleeping. */
public final class EventRecorder implements EngineListener {
    private final List<EngineEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(EngineEvent event) {
        events.add(event);
    }

    public List<EngineEvent> all() {
        return List.copyOf(events);
    }

    public List<EngineEvent> of(EngineEvent.Type type) {
        return events.stream().filter(e -> e.type() == type).toList();
    }

    public List<EngineEvent> of(EngineEvent.Type type, UUID taskId) {
        return events.stream().filter(e -> e.type() == type && taskId.equals(e.taskId())).toList();
    }

    public long count(EngineEvent.Type type) {
        return events.stream().filter(e -> e.type() == type).count();
    }
}
