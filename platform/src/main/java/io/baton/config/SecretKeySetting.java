package io.baton.config;

import java.util.Arrays;

/**
 * One key of {@code BATON_SECRET_KEY}: the AES-256 key that encrypts secrets Baton must keep (signing secrets of
 * waits), and the id stored next to what it encrypted so the key can be rotated.
 *
 * @param id  1-32 letters, digits, {@code -} or {@code _}
 * @param key 32 bytes
 */
public record SecretKeySetting(String id, byte[] key) {
    public SecretKeySetting {
        key = key.clone();
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SecretKeySetting that && id.equals(that.id) && Arrays.equals(key, that.key);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "SecretKeySetting[id=" + id + ", key=****]";
    }
}
