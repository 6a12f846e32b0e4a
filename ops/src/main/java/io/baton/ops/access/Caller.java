package io.baton.ops.access;

/**
 * Who is calling the admin API: the id of the key presented ({@value #BOOTSTRAP} for the key from configuration or
 * the one generated at first start) and its role.
 */
public record Caller(String keyId, Role role) {
    public static final String BOOTSTRAP = "bootstrap";
}
