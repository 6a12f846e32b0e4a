package io.baton.event;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/** Counts engine events as {@code baton_engine_events_total{type="..."}}. */
public final class MetricsListener implements EngineListener {
    private final Map<EngineEvent.Type, Counter> counters = new EnumMap<>(EngineEvent.Type.class);

    public MetricsListener(MeterRegistry registry) {
        for (EngineEvent.Type type : EngineEvent.Type.values()) {
            counters.put(type, Counter.builder("baton.engine.events")
                    .description("Engine events by type")
                    .tag("type", type.name().toLowerCase())
                    .register(registry));
        }
    }

    @Override
    public void onEvent(EngineEvent event) {
        counters.get(event.type()).increment();
    }
}
