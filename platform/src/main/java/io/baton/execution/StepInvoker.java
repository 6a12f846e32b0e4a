package io.baton.execution;

import io.baton.agent.Step;
import io.baton.agent.StepContext;
import io.baton.agent.StepOutcome;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.MDC;

/**
 * Runs a step body on its own thread so that its policy's timeout can be enforced: on timeout the thread is
 * interrupted and the try counts as failed; whatever the body does afterwards is never checkpointed.
 */
final class StepInvoker implements AutoCloseable {
    private final ExecutorService threads;

    StepInvoker(String node) {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = runnable -> {
            Thread thread = new Thread(runnable, "baton-step-" + node + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.threads = Executors.newCachedThreadPool(factory);
    }

    /** The body's outcome; throws what the body threw, or {@link StepTimeoutException}. */
    StepOutcome invoke(Step step, StepContext context) throws Exception {
        Map<String, String> mdc = MDC.getCopyOfContextMap();
        Future<StepOutcome> future = threads.submit(() -> {
            if (mdc != null) {
                MDC.setContextMap(mdc);
            }
            try {
                StepOutcome outcome = step.body().run(context);
                if (outcome == null) {
                    throw new IllegalStateException("step '" + step.name() + "' returned no outcome");
                }
                return outcome;
            } finally {
                MDC.clear();
            }
        });
        try {
            return future.get(step.retryPolicy().timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new StepTimeoutException(step.name(), step.retryPolicy().timeout());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception exception) {
                throw exception;
            }
            throw new IllegalStateException("step '" + step.name() + "' threw " + cause, cause);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw e;
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
