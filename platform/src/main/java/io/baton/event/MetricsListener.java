package io.baton.event;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counts engine events as {@code baton_engine_events_total{type="..."}} (fenced checkpoints are {@code step_fenced},
 * recoveries {@code task_recovered}), and times each try of a step as
 * {@code baton_step_duration_seconds{agent, step, outcome}} (a step runs on one thread of one node: its start and end
 * events meet here).
 */
public final class MetricsListener implements EngineListener {
    private final Map<EngineEvent.Type, Counter> counters = new EnumMap<>(EngineEvent.Type.class);
    private final Map<java.util.UUID, java.time.Instant> stepsStarted = new java.util.concurrent.ConcurrentHashMap<>();
    private final MeterRegistry registry;

    public MetricsListener(MeterRegistry registry) {
        this.registry = registry;
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
        switch (event.type()) {
            case STEP_STARTED -> stepsStarted.put(event.taskId(), event.at());
            case STEP_COMPLETED, STEP_FAILED, STEP_FENCED -> {
                java.time.Instant started = stepsStarted.remove(event.taskId());
                if (started != null && event.agent() != null && event.step() != null) {
                    io.micrometer.core.instrument.Timer.builder("baton.step.duration")
                            .description("One try of a step, from its start to its checkpoint or failure")
                            .tag("agent", event.agent()).tag("step", event.step())
                            .tag("outcome", event.type().name().substring("STEP_".length()).toLowerCase())
                            .publishPercentileHistogram()
                            .register(registry).record(java.time.Duration.between(started, event.at()));
                }
            }
            default -> {
            }
        }
    }
}
