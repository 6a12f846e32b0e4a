package io.baton.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An admin change being made: who asks (the key's id and role), the action ({@code task.cancel}), its target (a task
 * id) and its parameters, never a secret. The service that makes the change writes it to the {@link AuditLog} in the
 * change's transaction, with its result; a call that changed nothing (refused, or a repeat) is written by the caller,
 * once, with the reason. {@link #recorded()} tells which happened.
 */
public final class AuditEntry {
    private final String keyId;
    private final String role;
    private final String action;
    private final String target;
    private final ObjectNode parameters;
    private volatile boolean recorded;

    public AuditEntry(String keyId, String role, String action, String target, ObjectNode parameters) {
        this.keyId = keyId;
        this.role = role;
        this.action = action;
        this.target = target;
        this.parameters = parameters;
    }

    public String keyId() {
        return keyId;
    }

    public String role() {
        return role;
    }

    public String action() {
        return action;
    }

    public String target() {
        return target;
    }

    public ObjectNode parameters() {
        return parameters;
    }

    /** Whether this entry was written (by the change's transaction, or by the caller afterwards). */
    public boolean recorded() {
        return recorded;
    }

    void markRecorded() {
        recorded = true;
    }

    @Override
    public String toString() {
        return "AuditEntry[" + action + " " + target + " by " + keyId + "]";
    }
}
