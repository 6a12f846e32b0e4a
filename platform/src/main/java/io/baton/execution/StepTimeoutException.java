package io.baton.execution;

import java.time.Duration;

/** A try of a step ran longer than its policy's timeout. Retryable like any other failure. */
public final class StepTimeoutException extends RuntimeException {
    public StepTimeoutException(String step, Duration timeout) {
        super("step '" + step + "' ran longer than its timeout of " + timeout.toMillis() + " ms");
    }
}
