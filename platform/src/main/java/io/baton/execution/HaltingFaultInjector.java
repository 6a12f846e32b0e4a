package io.baton.execution;

import java.io.PrintStream;
import java.util.UUID;

/**
 * Kills the process, as {@code kill -9} would (no shutdown hooks, no draining), the first time the armed point is
 * reached (for the armed step only, if one is named). Prints what it injected first, so the chaos suite's output
 * says what happened.
 */
public final class HaltingFaultInjector implements FaultInjector {
    public static final int EXIT_CODE = 137;

    private final FaultPoint point;
    private final String step;
    private final String node;
    private final PrintStream out;

    /** @param step the step to crash in, or {@code null} for any step */
    public HaltingFaultInjector(FaultPoint point, String step, String node, PrintStream out) {
        this.point = point;
        this.step = step;
        this.node = node;
        this.out = out;
    }

    @Override
    public void reached(FaultPoint reached, UUID taskId, String stepName) {
        if (reached == point && (step == null || step.equals(stepName))) {
            out.println("baton: FAULT INJECTED: halting node " + node + " at " + point.label() + " of step '"
                    + stepName + "' of task " + taskId);
            out.flush();
            Runtime.getRuntime().halt(EXIT_CODE);
        }
    }
}
