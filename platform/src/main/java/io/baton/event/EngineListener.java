package io.baton.event;

/** Receives engine events synchronously on the thread that caused them: keep it quick and never throw. */
@FunctionalInterface
public interface EngineListener {
    void onEvent(EngineEvent event);
}
