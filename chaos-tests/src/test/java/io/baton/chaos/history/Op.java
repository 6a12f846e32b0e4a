package io.baton.chaos.history;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One line of a run's history, Jepsen-style: a client invokes an operation, and later the same client records how it
 * completed: {@code ok} (the system acknowledged it), {@code fail} (the system refused it: it certainly did not
 * happen) or {@code info} (no answer: it may or may not have happened).
 *
 * @param index   position in the history (0, 1, 2, ...)
 * @param process the client that invoked it (one operation in flight per process)
 * @param type    invoke, ok, fail or info
 * @param f       what was asked: {@code start}, {@code resume}, {@code fail-wait}, {@code heartbeat}, {@code event}
 * @param task    the task concerned, when known
 * @param key     the token, wait id or delivery id the operation used, when any
 * @param value   what was sent (on invoke) or answered (on completion)
 * @param nanos   time since the run started
 */
public record Op(long index, int process, Type type, String f, String task, String key, JsonNode value,
                 long nanos) {

    public enum Type {
        INVOKE, OK, FAIL, INFO;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
