package io.baton.chaos;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The faults a chaos run injects, each with what it does and how the run proves it was hit. */
enum Fault {
    KILL("SIGKILL a random node at a random moment, restart it after 1-3 s"),
    HALT_BEFORE_STEP_BODY("a node halts itself (as kill -9) when it has claimed a task, before the step body"),
    HALT_AFTER_STEP_BODY("a node halts itself after a step's side effect, before its checkpoint"),
    HALT_AFTER_CHECKPOINT("a node halts itself right after a checkpoint commits"),
    PAUSE_PAST_DETECTION("SIGSTOP a node past failure detection, then SIGCONT: a zombie that wakes and tries to commit"),
    PAUSE_BRIEF("SIGSTOP a node for 0.5 s, below failure detection, then SIGCONT"),
    KILL_DURING_WEBHOOK("SIGKILL the node that is handling a resume webhook (before or after its commit)"),
    DB_CRASH("SIGKILL the PostgreSQL postmaster, restart it on the same data after 1-3 s"),
    TERMINATE_SESSIONS("pg_terminate_backend every database session of the nodes"),
    KILL_ALL("SIGKILL every node at once, then restart them all"),
    POISON_STEP("start a task whose step returns an impossible outcome: it must fail once, cleanly"),
    RECEIVER_FAILS("the callback receiver answers 500 for a few seconds"),
    RECEIVER_HANGS("the callback receiver hangs past the senders' timeout for a few seconds"),
    RECEIVER_GONE("the callback receiver answers 410 Gone: the endpoint is disabled, then an operator re-enables it "
            + "and replays what failed"),
    CLOCK_SKEW("a node's clock skewed with libfaketime (skipped where faketime is not installed)");

    final String description;

    Fault(String description) {
        this.description = description;
    }

    String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /**
     * One injection.
     *
     * @param target  the node (or "postgres", "receiver", "cluster") it hit
     * @param hit     whether the run shows it took effect (a fault that never took effect fails the run)
     * @param window  which dangerous window it hit, or why it was not hit
     * @param running the tasks that were running where it struck (their recovery time is measured)
     */
    record Injection(Fault fault, String target, Instant at, Instant healedAt, boolean hit, String window,
                     List<UUID> running) {
    }
}
