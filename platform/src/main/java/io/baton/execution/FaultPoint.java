package io.baton.execution;

import io.baton.config.ConfigException;
import io.baton.config.ExecutionConfig;
import io.baton.config.Setting;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** Named moments in running a step where the chaos suite can crash a node. */
public enum FaultPoint {
    /** The task is claimed; the step body has not started. */
    BEFORE_STEP_BODY("before-step-body"),
    /** The step body returned; its checkpoint is not written yet (the step will run again). */
    AFTER_STEP_BODY("after-step-body"),
    /** The checkpoint is committed; the dispatcher has not been told about the task's next turn yet. */
    AFTER_CHECKPOINT("after-checkpoint");

    private final String label;

    FaultPoint(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /**
     * The point {@code BATON_FAULT_POINT} names.
     *
     * @throws ConfigException naming the setting and the known points when the label is unknown
     */
    public static FaultPoint fromSetting(ExecutionConfig.FaultPointSetting setting) {
        return byLabel(setting.point()).orElseThrow(() -> new ConfigException(Setting.FAULT_POINT.envName(),
                "unknown fault point '" + setting.point() + "' (use " + Arrays.stream(values()).map(FaultPoint::label)
                        .collect(Collectors.joining(", ")) + ")"));
    }

    public static Optional<FaultPoint> byLabel(String label) {
        return Arrays.stream(values()).filter(p -> p.label.equals(label)).findFirst();
    }
}
