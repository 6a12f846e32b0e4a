package io.baton.ops.access;

import java.util.Arrays;
import java.util.Optional;

/** What an admin API key may do: viewers read; operators also act on tasks, waits and deliveries; admins do all. */
public enum Role {
    VIEWER, OPERATOR, ADMIN;

    /** Whether this role may do what {@code needed} may. */
    public boolean allows(Role needed) {
        return compareTo(needed) >= 0;
    }

    /** The name on the wire and in the database: {@code viewer}, {@code operator}, {@code admin}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Optional<Role> fromWire(String name) {
        return Arrays.stream(values()).filter(r -> r.wireName().equals(name)).findFirst();
    }
}
