package io.baton.wait;

import io.baton.config.BatonConfig;
import io.baton.secret.KeyFile;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * Where a node's {@link TokenKey} comes from: {@code BATON_TOKEN_KEY}; else, with the embedded database, a random
 * 256-bit key generated once into {@code <data dir>/token.key}; else none.
 */
public final class TokenKeys {
    static final String FILE = "token.key";

    private TokenKeys() {
    }

    public static Optional<TokenKey> resolve(BatonConfig config) {
        if (config.tokenKey() != null) {
            return Optional.of(new TokenKey(sha256(config.tokenKey())));
        }
        if (config.database().externalUrl().isPresent()) {
            return Optional.empty();
        }
        return Optional.of(new TokenKey(KeyFile.readOrCreate(config.dataDir().resolve(FILE))));
    }

    private static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
