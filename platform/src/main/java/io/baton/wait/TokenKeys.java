package io.baton.wait;

import io.baton.config.BatonConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
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
        Path file = config.dataDir().resolve(FILE);
        try {
            if (!Files.exists(file)) {
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                Files.createDirectories(config.dataDir());
                Files.writeString(file, Base64.getEncoder().encodeToString(random) + "\n");
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system
                }
            }
            return Optional.of(new TokenKey(Base64.getDecoder().decode(Files.readString(file).trim())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the token key " + file, e);
        }
    }

    private static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
