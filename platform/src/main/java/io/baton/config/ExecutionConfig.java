package io.baton.config;

import java.time.Duration;

/**
 * How the engine runs tasks on a node.
 *
 * @param sliceMaxSteps     most steps one firing runs before it yields its thread to other tasks
 * @param sliceMaxTime      longest one firing runs steps before yielding (checked between steps)
 * @param pollInterval      how often the dispatcher looks for due work when nothing wakes it sooner
 * @param reconcileInterval how often the reconciler looks for abandoned tasks
 * @param staleAfter        how long a task may sit RUNNING under this node without running here before the
 *                          reconciler re-queues it
 * @param maxBacklog        bound on the ready backlog in all (0: none); starts beyond it are refused
 * @param maxBacklogPerAgent bound on one agent's ready backlog (0: none)
 * @param faultPoint        armed fault point for the chaos suite, or {@code null} (normal operation)
 */
public record ExecutionConfig(int sliceMaxSteps, Duration sliceMaxTime, Duration pollInterval,
                              Duration reconcileInterval,
                              Duration staleAfter, long maxBacklog, long maxBacklogPerAgent,
                              FaultPointSetting faultPoint) {

    /**
     * {@code BATON_FAULT_POINT} as written: halt the process when the point labelled {@code point} is reached in
     * {@code step} (any step if {@code null}); the label is checked against {@code io.baton.execution.FaultPoint} when
     * the node starts.
     */
    public record FaultPointSetting(String point, String step) {
        /** The one setting that is not a point: checkpoints without the attempt fence (a broken build, for tests). */
        public static final String NO_FENCE = "no-fence";

        public boolean fenceOff() {
            return point.equals(NO_FENCE);
        }
    }

    /** False only when {@code BATON_FAULT_POINT=no-fence} deliberately breaks the engine (chaos suite self-test). */
    public boolean fenced() {
        return faultPoint == null || !faultPoint.fenceOff();
    }
}
