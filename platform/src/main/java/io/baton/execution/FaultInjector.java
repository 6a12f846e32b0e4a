package io.baton.execution;

import java.util.UUID;

/**
 * Called at every {@link FaultPoint}. The default does nothing; the chaos suite arms one through
 * {@code BATON_FAULT_POINT} ({@link HaltingFaultInjector}), and embedding tests can pass their own.
 */
@FunctionalInterface
public interface FaultInjector {
    FaultInjector NONE = (point, taskId, step) -> { };

    void reached(FaultPoint point, UUID taskId, String step);
}
