package io.baton.callback;

import java.util.Arrays;
import java.util.Optional;

/** What a callback can be told about; {@link #wireName()} is the {@code type} in the payload and in registrations. */
public enum EventType {
    TASK_WAITING("task.waiting"),
    TASK_SUCCEEDED("task.succeeded"),
    TASK_FAILED("task.failed"),
    TASK_CANCELLED("task.cancelled"),
    WAIT_TIMED_OUT("wait.timed_out"),
    WAIT_RESUMED("wait.resumed");

    /** Registers an endpoint for every type. */
    public static final String ALL = "*";

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<EventType> fromWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }
}
