package io.baton.config;

/** How secrets appear in {@code toString()} and logs: never, only whether one is set. */
final class Masking {
    private Masking() {
    }

    static String mask(String secret) {
        return secret == null || secret.isEmpty() ? "(none)" : "****";
    }
}
