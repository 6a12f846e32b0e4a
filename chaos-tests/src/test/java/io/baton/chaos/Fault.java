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
    NET_CUT("the TCP proxy between a node and PostgreSQL cuts every connection of the node"),
    NET_DELAY("the TCP proxy delays every packet of a node by 100-500 ms for 5 s"),
    NET_BLACKHOLE("the TCP proxy swallows every packet of a node for 2-9 s, then cuts the broken connections"),
    NET_CUT_AFTER_COMMIT("the TCP proxy cuts a node's connection right after it sent the COMMIT of a write to "
            + "Baton's tables: the node cannot know whether it committed"),
    KILL_ALL("SIGKILL every node at once, then restart them all"),
    POISON_STEP("start a task whose step returns an impossible outcome: it must fail once, cleanly"),
    RECEIVER_FAILS("the callback receiver answers 500 for a few seconds"),
    RECEIVER_HANGS("the callback receiver hangs past the senders' timeout for a few seconds"),
    RECEIVER_GONE("the callback receiver answers 410 Gone: the endpoint is disabled, then an operator re-enables it "
            + "and replays what failed"),
    CLOCK_SKEW("a node restarted with its clock 3-10 s ahead or behind (libfaketime) for 8 s; skipped, with the "
            + "reason printed, where faketime is not installed");

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
