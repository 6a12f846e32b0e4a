package io.baton.execution;

import java.util.Arrays;
import java.util.Optional;

/** Named moments in running a step where the chaos suite can crash a node. */
public enum FaultPoint {
    /** The task is claimed; the step body has not started. */
    BEFORE_STEP_BODY("before-step-body"),
    /** The step body returned; its checkpoint is not written yet (the step will run again). */
    AFTER_STEP_BODY("after-step-body"),
    /** The checkpoint is committed; the follow-up trigger is not scheduled yet (the reconciler must repair it). */
    AFTER_CHECKPOINT("after-checkpoint");

    private final String label;

    FaultPoint(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Optional<FaultPoint> byLabel(String label) {
        return Arrays.stream(values()).filter(p -> p.label.equals(label)).findFirst();
    }
}
