package io.baton.secret;

/** A stored secret cannot be decrypted on this node: its key is missing from {@code BATON_SECRET_KEY}, or wrong. */
public final class SecretUnavailableException extends RuntimeException {
    public SecretUnavailableException(String message) {
        super(message);
    }
}
