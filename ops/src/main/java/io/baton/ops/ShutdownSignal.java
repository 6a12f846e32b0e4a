package io.baton.ops;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a normal return from {@link #await()}, so the server drains and exits 0 instead of
 * being torn down by the JVM's default signal handling (which exits 143).
 */
final class ShutdownSignal {
    private final CountDownLatch received = new CountDownLatch(1);
    private volatile String name = "";

    void install() {
        for (String signal : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(signal), s -> {
                name = "SIG" + s.getName();
                received.countDown();
            });
        }
    }

    /** Blocks until a signal arrives and returns its name. */
    String await() throws InterruptedException {
        received.await();
        return name;
    }
}
