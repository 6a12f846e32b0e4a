package io.baton.ops.admin;

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
import java.util.HexFormat;
import java.util.Optional;

/**
 * The admin API's bearer key, held only as its SHA-256. From {@code BATON_ADMIN_API_KEY}; or, with the embedded
 * database and no key configured, generated at first start (shown once) with its hash kept in the data directory;
 * or absent, in which case every admin request is refused.
 */
public final class AdminApiKey {
    static final String HASH_FILE = "admin-api-key.sha256";

    private final byte[] hash;
    private final String generated;
    private final Path file;

    private AdminApiKey(byte[] hash, String generated, Path file) {
        this.hash = hash;
        this.generated = generated;
        this.file = file;
    }

    public static AdminApiKey resolve(BatonConfig config) {
        if (config.http().adminApiKey() != null) {
            return new AdminApiKey(sha256(config.http().adminApiKey()), null, null);
        }
        if (config.database().externalUrl().isPresent()) {
            return new AdminApiKey(null, null, null);
        }
        Path file = config.dataDir().resolve(HASH_FILE);
        try {
            if (Files.exists(file)) {
                return new AdminApiKey(HexFormat.of().parseHex(Files.readString(file).trim()), null, file);
            }
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String key = "bk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            byte[] hash = sha256(key);
            Files.createDirectories(config.dataDir());
            Files.writeString(file, HexFormat.of().formatHex(hash) + "\n");
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep the default permissions
            }
            return new AdminApiKey(hash, key, file);
        } catch (IOException | IllegalArgumentException e) {
            throw new UncheckedIOException("cannot read or create " + file + ": " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    /** Forgets a key generated at this start that was never shown (the start failed after generating it). */
    public void discardGenerated() {
        if (generated != null && file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + file, e);
            }
        }
    }

    /** The key generated at this start, to show the operator once. */
    public Optional<String> generatedKey() {
        return Optional.ofNullable(generated);
    }

    public boolean configured() {
        return hash != null;
    }

    /** Constant-time comparison of the presented key's hash with the stored one. */
    public boolean matches(String presented) {
        return hash != null && presented != null && MessageDigest.isEqual(hash, sha256(presented));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
